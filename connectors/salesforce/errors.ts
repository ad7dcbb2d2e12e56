/** Maps jsforce and HTTP failures to `CrmError`, saying what may be retried, and save errors that are not the record's to a `SetupProblem`. */
import { CrmError, errorMessage, type SetupProblem } from '../../src/platform/errors.ts';

const RETRYABLE_CODES = new Set([
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'UNABLE_TO_LOCK_ROW',
  'QUERY_TIMEOUT',
  'REQUEST_RUNNING_TOO_LONG',
]);
const NETWORK = /fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|network/i;

/** A `CrmError` for anything a jsforce call threw; keeps the original as `cause`. */
export function toCrmError(err: unknown, what: string): CrmError {
  if (err instanceof CrmError) return err;
  const e = err as {
    errorCode?: string;
    name?: string;
    message?: string;
    data?: unknown;
    cause?: { code?: string };
  } | null;
  const code = e?.errorCode ?? '';
  const httpStatus = /^ERROR_HTTP_(\d{3})$/.exec(code);
  const status = httpStatus
    ? Number(httpStatus[1])
    : code === 'INVALID_SESSION_ID'
      ? 401
      : code === 'UNKNOWN_EXCEPTION'
        ? 500
        : code === 'REQUEST_LIMIT_EXCEEDED'
          ? 403
          : undefined;
  const network = !code && (NETWORK.test(errorMessage(err)) || !!e?.cause?.code);
  const retryable =
    network || RETRYABLE_CODES.has(code) || (status !== undefined && [500, 502, 503, 504].includes(status));
  const message = `Salesforce ${what} failed: ${code ? `${code}: ` : ''}${errorMessage(err)}`;
  return new CrmError('salesforce', message, {
    cause: err,
    status,
    retryable,
    code: code ? `salesforce_${code.toLowerCase()}` : 'crm_error',
  });
}

/** One error of a Salesforce save result (sObject Collections, composite). */
interface SaveErrorLike {
  statusCode: string;
  message: string;
  fields?: string[];
}

const where = (object: string) => `Setup → Object Manager → ${object} → Fields & Relationships`;

/**
 * The setup problem behind a record's save errors on `object`, or null when they are the record's
 * own: a field that does not exist or that the integration user may not write, or a restricted
 * picklist value `configured` says Baton writes for every record that gets it.
 */
export function saveProblemOf(
  errors: SaveErrorLike[],
  object: string,
  configured: (field: string, value: string) => boolean = () => false,
): SetupProblem | null {
  for (const e of errors) {
    if (e.statusCode === 'INVALID_FIELD') {
      const m = /No such column '([^']+)' on (?:sobject of type |entity ')(\w+)/.exec(e.message);
      const field = m?.[1] ?? e.fields?.[0];
      if (!field) continue;
      const on = m?.[2] ?? object;
      return {
        crm: 'salesforce',
        kind: 'missing_field',
        object: on,
        fields: [field],
        message: `Salesforce ${on} has no field ${field} (or Baton's integration user cannot see it)`,
        fix: `create ${field} on ${on} (${where(on)}) and give the integration user edit access to it, or remove it from fields.yaml`,
      };
    }
    if (e.statusCode === 'INVALID_FIELD_FOR_INSERT_UPDATE') {
      const fields = e.fields?.length ? e.fields : (/fields: ([^.]+)\./.exec(e.message)?.[1].split(/,\s*/) ?? []);
      if (!fields.length) continue;
      return {
        crm: 'salesforce',
        kind: 'not_writable',
        object,
        fields,
        message: `Baton's integration user may not write ${fields.join(', ')} on Salesforce ${object}`,
        fix: `make ${fields.join(', ')} editable for the integration user (field-level security, ${where(object)}), or remove ${fields.length > 1 ? 'them' : 'it'} from fields.yaml`,
      };
    }
    if (e.statusCode === 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST') {
      const field = e.fields?.[0] ?? /^(\w+):/.exec(e.message)?.[1];
      const value = /restricted picklist field: (.*)$/s.exec(e.message)?.[1];
      if (!field || value === undefined || !configured(field, value)) continue;
      return {
        crm: 'salesforce',
        kind: 'value_not_allowed',
        object,
        fields: [field],
        value,
        message: `Salesforce ${object} picklist ${field} has no active value '${value}', which Baton writes from fields.yaml`,
        fix: `add '${value}' to the ${field} picklist on ${object} (${where(object)}), or change the value in fields.yaml`,
      };
    }
  }
  return null;
}
