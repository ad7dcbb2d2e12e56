/** Maps jsforce and HTTP failures to `CrmError`, saying what may be retried. */
import { CrmError, errorMessage } from '../../src/platform/errors.ts';

const RETRYABLE_CODES = new Set(['UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'QUERY_TIMEOUT', 'REQUEST_RUNNING_TOO_LONG']);
const NETWORK = /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|network/i;

/** A `CrmError` for anything a jsforce call threw; keeps the original as `cause`. */
export function toCrmError(err: unknown, what: string): CrmError {
  if (err instanceof CrmError) return err;
  const e = err as { errorCode?: string; name?: string; message?: string; data?: unknown; cause?: { code?: string } } | null;
  const code = e?.errorCode ?? '';
  const httpStatus = /^ERROR_HTTP_(\d{3})$/.exec(code);
  const status = httpStatus ? Number(httpStatus[1]) : code === 'INVALID_SESSION_ID' ? 401 : code === 'UNKNOWN_EXCEPTION' ? 500 : code === 'REQUEST_LIMIT_EXCEEDED' ? 403 : undefined;
  const network = !code && (NETWORK.test(errorMessage(err)) || !!e?.cause?.code);
  const retryable = network || RETRYABLE_CODES.has(code) || (status !== undefined && [500, 502, 503, 504].includes(status));
  const message = `Salesforce ${what} failed: ${code ? `${code}: ` : ''}${errorMessage(err)}`;
  return new CrmError('salesforce', message, { cause: err, status, retryable, code: code ? `salesforce_${code.toLowerCase()}` : 'crm_error' });
}
