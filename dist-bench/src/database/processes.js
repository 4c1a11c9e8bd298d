import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
export function isProcessAlive(pid, name) {
    try {
        process.kill(pid, 0);
    }
    catch (error) {
        if (error.code !== 'EPERM')
            return false;
    }
    if (!name)
        return true;
    const command = commandOf(pid);
    return command === undefined || command.includes(name);
}
export function isPostgresProcess(pid) {
    return isProcessAlive(pid, 'postgres');
}
export async function waitForExit(pid, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (!isProcessAlive(pid))
            return true;
        await sleep(50);
    }
    return !isProcessAlive(pid);
}
function commandOf(pid) {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    }
    catch {
        return undefined;
    }
}
//# sourceMappingURL=processes.js.map