// What went wrong with an OSS call, in the core's words: every failure becomes an
// `OutsideError('oss', kind, message)` whose message keeps OSS's Code and Message and never
// a secret.

import { OutsideError, type OutsideErrorKind } from '../../src/domain/errors';

const AUTH_CODES = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId', 'AccessDenied', 'RequestTimeTooSkewed', 'InvalidSecurityToken', 'SecurityTokenExpired']);
const NOT_FOUND_CODES = new Set(['NoSuchBucket', 'NoSuchKey']);
const REQUEST_CODES = new Set(['InvalidArgument', 'InvalidDigest', 'MalformedXML', 'MissingArgument', 'InvalidObjectName']);
const MAX_MESSAGE = 400;

/** The fields ali-oss puts on its errors, read defensively. */
export interface OssFailureFields {
  name: string | null;
  code: string | null;
  status: number | null;
  message: string;
  requestId: string | null;
}

export function failureFields(error: unknown): OssFailureFields {
  const record: Record<string, unknown> = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  return {
    name: text(record.name),
    code: text(record.code),
    status: typeof record.status === 'number' ? record.status : null,
    message: text(record.message) ?? String(error),
    requestId: text(record.requestId),
  };
}

/** OSS's error Code of a failure straight from ali-oss, e.g. `NoSuchLifecycle`. */
export function ossCode(error: unknown): string | null {
  return failureFields(error).code;
}

export interface ClassifiedFailure {
  kind: OutsideErrorKind;
  retryable: boolean;
}

export function classifyFailure(fields: OssFailureFields): ClassifiedFailure {
  const { name, code, status } = fields;
  if (name === 'ResponseTimeoutError' || name === 'ConnectionTimeoutError' || status === -2) return { kind: 'timeout', retryable: true };
  if (status === -1) return { kind: 'unreachable', retryable: true };
  if (status === 503) return { kind: 'throttled', retryable: true };
  if (status !== null && status >= 500) return { kind: 'server', retryable: true };
  // A retention lock (WORM) keeps the objects until its period ends: retrying now changes nothing.
  if (code === 'FileImmutable') return { kind: 'immutable', retryable: false };
  if (code !== null && AUTH_CODES.has(code)) return { kind: 'auth', retryable: false };
  if (code !== null && NOT_FOUND_CODES.has(code)) return { kind: 'not_found', retryable: false };
  if (code !== null && REQUEST_CODES.has(code)) return { kind: 'protocol', retryable: false };
  if (status === null && code === null) return { kind: 'protocol', retryable: false };
  return { kind: 'other', retryable: false };
}

/** Replaces every secret in `text` with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join('***'), text);
}

/**
 * `OSS <what> failed: <Code> (HTTP <status>): <Message> [request <id>]`. The cause kept on the
 * error is a plain summary, not ali-oss's error (which carries the request parameters).
 */
export function toOutsideError(error: unknown, what: string, secrets: readonly string[], attempts: number): OutsideError {
  if (error instanceof OutsideError) return error;
  const fields = failureFields(error);
  const { kind } = classifyFailure(fields);
  const label = fields.code ?? fields.name ?? 'Error';
  const status = fields.status !== null && fields.status > 0 ? ` (HTTP ${fields.status})` : '';
  const firstLine = fields.message.split('\n')[0] ?? '';
  const request = fields.requestId ? ` [request ${fields.requestId}]` : '';
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const detail = firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE)}...` : firstLine;
  const message = scrub(`OSS ${what} failed${tries}: ${label}${status}: ${detail}${request}`, secrets);
  const cause = { code: fields.code, status: fields.status, requestId: fields.requestId, name: fields.name };
  return new OutsideError('oss', kind, message, cause);
}
