// OSS error responses (reference/oss-api.md §4.5): the XML body, the status and the EC of
// each code the simulator produces.

import { el, xmlDocument } from './xml';

export type OssErrorCode =
  | 'NoSuchKey'
  | 'NoSuchBucket'
  | 'AccessDenied'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed'
  | 'InvalidArgument'
  | 'InvalidDigest'
  | 'MissingArgument'
  | 'MalformedXML'
  | 'NoSuchWORMConfiguration'
  | 'NoSuchLifecycle'
  | 'FileImmutable'
  | 'NotImplemented'
  | 'InternalError'
  | 'ServiceUnavailable';

interface ErrorDefinition {
  status: number;
  message: string;
  ec: string;
}

// ECs from the reference where it gives one (NoSuchKey, MissingArgument, throttling); the others
// follow OSS's `<product>-<number>` shape but are the simulator's own.
const DEFINITIONS: Record<OssErrorCode, ErrorDefinition> = {
  NoSuchKey: { status: 404, message: 'The specified key does not exist.', ec: '0026-00000001' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist.', ec: '0015-00000101' },
  AccessDenied: { status: 403, message: 'AccessDenied: the request carries no Authorization.', ec: '0003-00000001' },
  InvalidAccessKeyId: { status: 403, message: 'The OSS Access Key Id you provided does not exist in our records.', ec: '0002-00000902' },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    ec: '0002-00000040',
  },
  RequestTimeTooSkewed: {
    status: 403,
    message: 'The difference between the request time and the current time is too large.',
    ec: '0002-00000504',
  },
  InvalidArgument: { status: 400, message: 'Invalid argument.', ec: '0017-00000001' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified was invalid.', ec: '0016-00000601' },
  MissingArgument: { status: 400, message: 'Missing Some Required Arguments.', ec: '0016-00000606' },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema.', ec: '0016-00000608' },
  NoSuchWORMConfiguration: { status: 404, message: 'The WORM Configuration does not exist.', ec: '0077-00000001' },
  FileImmutable: { status: 409, message: 'The object you specified is immutable.', ec: '0026-00000005' },
  NoSuchLifecycle: { status: 404, message: 'No Row found in Lifecycle Table.', ec: '0034-00000001' },
  NotImplemented: { status: 501, message: 'A header or query you provided implies functionality that is not implemented.', ec: '0001-00000501' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.', ec: '0001-00000500' },
  ServiceUnavailable: { status: 503, message: 'Please reduce your request rate.', ec: '0004-00000302' },
};

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface ErrorContext {
  requestId: string;
  hostId: string;
  isHead: boolean;
}

/** Extra elements after EC, e.g. BucketName or StringToSign. */
export type ErrorExtras = Record<string, string>;

export function errorStatus(code: string): number {
  return code in DEFINITIONS ? DEFINITIONS[code as OssErrorCode].status : 500;
}

/** Builds an error response; HEAD gets no body and the XML base64-encoded in `x-oss-err`. */
export function errorResponse(
  code: string,
  ctx: ErrorContext,
  opts: { status?: number; message?: string; extras?: ErrorExtras } = {},
): SimResponse {
  const known = code in DEFINITIONS ? DEFINITIONS[code as OssErrorCode] : undefined;
  const status = opts.status ?? known?.status ?? 500;
  const ec = known?.ec ?? '0001-00000000';
  const parts = [
    el('Code', code),
    el('Message', opts.message ?? known?.message ?? code),
    el('RequestId', ctx.requestId),
    el('HostId', ctx.hostId),
    el('EC', ec),
    ...Object.entries(opts.extras ?? {}).map(([name, value]) => el(name, value)),
  ];
  const xml = xmlDocument(el('Error', parts));
  const headers: Record<string, string> = { 'x-oss-ec': ec };
  if (ctx.isHead) {
    headers['x-oss-err'] = Buffer.from(xml, 'utf8').toString('base64');
    return { status, headers };
  }
  headers['content-type'] = 'application/xml';
  return { status, headers, body: xml };
}
