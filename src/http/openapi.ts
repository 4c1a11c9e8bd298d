import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  type ApiPropertyOptions,
  ApiResponse,
  type ApiResponseNoStatusOptions,
  ApiSecurity,
  getSchemaPath,
  type HeaderObject,
} from '@nestjs/swagger';
import { ProblemDto, ValidationProblemDto } from './problem.dto.js';

/**
 * Shared pieces of the OpenAPI document: the security scheme, the problem responses, conditional
 * GETs and downloads. Routes document themselves with explicit decorators (the CLI plugin needs
 * `nest build`, and the build and the tests compile with plain tsc and ts-jest).
 */

export const API_KEY_SCHEME = 'apiKey';

export const API_KEY_SCHEME_DESCRIPTION =
  'An opaque API key (`ty_` and 43 URL-safe characters), sent as `Authorization: Bearer <key>`. ' +
  'Admin keys are made with `npm run keys` or `POST /api/v1/admin/keys`; a key sees its own ' +
  "tenant's data, an admin key every tenant's. Answers to keyed routes carry RateLimit-Limit, " +
  'RateLimit-Remaining and RateLimit-Reset when RATE_LIMIT_PER_MINUTE is set.';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const RETRY_AFTER: HeaderObject = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer' },
};

/** What each status means on this API, and the headers that come with it. */
const PROBLEMS: Record<number, { description: string; headers?: Record<string, HeaderObject> }> = {
  400: { description: 'The body cannot be read: malformed JSON or multipart/form-data.' },
  401: {
    description: 'No API key, a malformed Authorization header, or an unknown or revoked key.',
    headers: {
      'WWW-Authenticate': { schema: { type: 'string', example: 'Bearer realm="taskyard"' } },
    },
  },
  404: {
    description:
      "Nothing with this id for this key (another tenant's ids look the same); admin routes " +
      'answer 404 to user keys.',
  },
  409: { description: 'The resource is not in a state that allows this.' },
  413: {
    description:
      "Too large: a JSON body over 1 MB, a file over MAX_UPLOAD_BYTES, or past the tenant's " +
      'storage limit.',
  },
  415: { description: 'The request or the file is of a media type this route does not take.' },
  416: {
    description: 'The Range lies outside the file.',
    headers: {
      'Content-Range': { description: '`bytes */<size>`', schema: { type: 'string' } },
    },
  },
  422: { description: 'Invalid input: `errors` names each field and what is wrong with it.' },
  429: {
    description:
      "Too many requests for the key's rate limit, too many failed authentications from this " +
      "address, or (creating a task) the tenant's queued-task limit reached.",
    headers: { 'Retry-After': { ...RETRY_AFTER, required: false } },
  },
  503: {
    description: 'The database cannot be reached at the moment.',
    headers: { 'Retry-After': RETRY_AFTER },
  },
};

/** `application/problem+json` responses for these statuses (422 with its field errors). */
export function ProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto, ValidationProblemDto),
    ...statuses.map((status) => {
      const known = PROBLEMS[status];
      if (!known) throw new Error(`no problem response is described for status ${status}`);
      const schema = status === 422 ? ValidationProblemDto : ProblemDto;
      return ApiResponse({
        status,
        ...known,
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(schema) } } },
      });
    }),
  );
}

/** Routes that need an API key: the scheme, and what any keyed route may answer instead. */
export function ApiKeyAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiSecurity(API_KEY_SCHEME), ProblemResponses(401, 429, 503));
}

const ETAG: HeaderObject = {
  description: 'Send it back in If-None-Match to be answered 304 while the body is the same.',
  schema: { type: 'string' },
};

const IF_NONE_MATCH = {
  name: 'If-None-Match',
  required: false,
  description: 'An ETag of an earlier answer: 304 without a body when it still matches.',
  schema: { type: 'string' },
};

/**
 * 200 for a GET, with the ETag Express gives every GET answer and the 304 it gives when
 * If-None-Match matches it.
 */
export function CachedOkResponse(
  options: ApiResponseNoStatusOptions & { headers?: Record<string, HeaderObject> },
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiOkResponse({ ...options, headers: { ETag: ETAG, ...options.headers } }),
    ApiHeader(IF_NONE_MATCH),
    ApiResponse({
      status: 304,
      description: 'Not modified: If-None-Match matches the current ETag.',
      headers: { ETag: ETAG },
    }),
  );
}

const BINARY = { '*/*': { schema: { type: 'string', format: 'binary' } } };

/** The answers of sendFile (http/download.ts): the whole file, one range, 304 or 416. */
export function DownloadResponses(): MethodDecorator {
  const headers: Record<string, HeaderObject> = {
    ETag: { description: 'The sha256 of the content, strong.', schema: { type: 'string' } },
    'Accept-Ranges': { schema: { type: 'string', enum: ['bytes'] } },
    'Content-Length': { schema: { type: 'integer' } },
    'Content-Disposition': {
      description: 'attachment, with the file name (RFC 6266).',
      schema: { type: 'string' },
    },
  };
  return applyDecorators(
    ApiHeader(IF_NONE_MATCH),
    ApiHeader({
      name: 'Range',
      required: false,
      description: 'One byte range, e.g. `bytes=0-1023` (several are served as their union).',
      schema: { type: 'string', example: 'bytes=0-1023' },
    }),
    ApiHeader({
      name: 'If-Range',
      required: false,
      description: 'The ETag the client has: Range applies only while it still matches.',
      schema: { type: 'string' },
    }),
    ApiResponse({
      status: 200,
      description: 'The whole file, in its own media type (text with charset=utf-8).',
      headers,
      content: BINARY,
    }),
    ApiResponse({
      status: 206,
      description: 'The requested range.',
      headers: {
        ...headers,
        'Content-Range': {
          description: '`bytes <first>-<last>/<size>`',
          schema: { type: 'string' },
        },
      },
      content: BINARY,
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: If-None-Match matches the ETag.',
      headers: { ETag: headers.ETag },
    }),
    ProblemResponses(404, 416),
  );
}

/** A member that holds any JSON value (its shape is the task type's). */
export function ApiAnyValue(options: ApiPropertyOptions = {}): PropertyDecorator {
  // `type: undefined` with `anyOf: [{}]` keeps Nest from reading `unknown` as an object.
  return ApiProperty({ ...options, type: undefined, anyOf: [{}] } as ApiPropertyOptions);
}

/** An ISO 8601 timestamp as JSON carries a Date. */
export function ApiTimestamp(options: ApiPropertyOptions = {}): PropertyDecorator {
  return ApiProperty({ ...options, type: String, format: 'date-time' } as ApiPropertyOptions);
}
