/**
 * A fake CRM API is one function from request to response, so the same emulation serves the
 * connector tests (through msw) and the demo's loopback servers (through node:http).
 */
export interface FakeRequest {
  method: string;
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

export interface FakeApi {
  /** Answers a request, or null when the path is not this API's. */
  handle(req: FakeRequest): Promise<FakeResponse | null> | FakeResponse | null;
}
