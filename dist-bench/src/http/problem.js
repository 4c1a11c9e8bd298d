import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
const TYPE_PREFIX = 'urn:taskyard:problem:';
const SLUG_BY_STATUS = {
    400: 'bad-request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not-found',
    405: 'method-not-allowed',
    406: 'not-acceptable',
    409: 'conflict',
    410: 'gone',
    412: 'precondition-failed',
    413: 'payload-too-large',
    415: 'unsupported-media-type',
    422: 'validation-failed',
    429: 'rate-limited',
    500: 'internal-error',
    503: 'unavailable',
};
export function problemType(slug) {
    return `${TYPE_PREFIX}${slug}`;
}
export function problemTypeForStatus(status) {
    return problemType(SLUG_BY_STATUS[status] ?? (status >= 500 ? 'internal-error' : 'bad-request'));
}
export class ProblemException extends HttpException {
    problem;
    headers;
    constructor(init) {
        super(init.detail, init.status);
        this.problem = {
            ...init.extensions,
            type: init.slug ? problemType(init.slug) : problemTypeForStatus(init.status),
            title: init.title ?? STATUS_CODES[init.status] ?? 'Error',
            status: init.status,
            detail: init.detail,
        };
        this.headers = init.headers ?? {};
    }
}
//# sourceMappingURL=problem.js.map