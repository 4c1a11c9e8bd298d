import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const CHILD_MODULE = fileURLToPath(new URL('../measure.js', import.meta.url));
export function runInChild(request, timeoutMs) {
    return new Promise((resolve, reject) => {
        const child = fork(CHILD_MODULE, [], { serialization: 'json' });
        let reply;
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`measurement did not finish within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        child.once('message', (message) => {
            reply = message;
        });
        child.once('error', (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.once('exit', (code, signal) => {
            clearTimeout(timer);
            if (reply?.ok)
                resolve(reply.measurement);
            else if (reply)
                reject(new Error(reply.error));
            else
                reject(new Error(`measurement process exited (${signal ?? `code ${code}`}) without a result`));
        });
        child.send(request);
    });
}
//# sourceMappingURL=run-in-child.js.map