import { randomUUID } from 'node:crypto';
export const REQUEST_ID_HEADER = 'X-Request-Id';
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export function assignRequestId(request, response) {
    if (typeof request.id === 'string')
        return request.id;
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.id = id;
    response.setHeader(REQUEST_ID_HEADER, id);
    return id;
}
export function requestIdMiddleware(request, response, next) {
    assignRequestId(request, response);
    next();
}
//# sourceMappingURL=request-id.js.map