#!/usr/bin/env python3
"""A Taskyard remote worker in plain Python (standard library only): serves `py.wordcount`.

    python3 examples/remote-worker.py http://localhost:3000 "$WORKER_KEY" [--once]

Registers the type, long-polls for claims, heartbeats while it works, and completes each task with
the word count of its payload's `text`. --once exits after the first task. The protocol is
docs/remote-workers.md.
"""
import json
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone

NAME = "py-wordcount"
TYPE = "py.wordcount"
WAIT_S = 20


def call(base, key, method, path, body=None, headers=None, timeout=WAIT_S + 30):
    """One JSON call to /api/v1; returns (status, parsed body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + key)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:  # a problem+json answer
        text = error.read().decode()
        return error.code, json.loads(text) if text else None


def heartbeat(base, key, task, stop):
    """Extends the lease every third of it until `stop` is set; sets `cancelled` when asked."""
    interval = task["leaseSeconds"] / 3
    while not stop.wait(interval):
        status, answer = call(base, key, "POST", "/tasks/%s/heartbeat" % task["id"],
                              {"leaseToken": task["leaseToken"]})
        if status == 409:
            print("lease on %s lost: stopping" % task["id"], flush=True)
            task["cancelled"] = True
            return
        if status == 200 and answer.get("cancelRequested"):
            print("cancel requested for %s" % task["id"], flush=True)
            task["cancelled"] = True
        print("heartbeat %s: %s" % (task["id"], status), flush=True)


def lease_seconds(task):
    """How long the lease lasts from now (the service and this machine keep the same time)."""
    expires = datetime.fromisoformat(task["leaseExpiresAt"].replace("Z", "+00:00"))
    return max((expires - datetime.now(timezone.utc)).total_seconds(), 1.0)


def work(base, key, task):
    task["leaseSeconds"] = lease_seconds(task)
    stop = threading.Event()
    beat = threading.Thread(target=heartbeat, args=(base, key, task, stop), daemon=True)
    beat.start()
    try:
        text = (task.get("payload") or {}).get("text", "")
        call(base, key, "POST", "/tasks/%s/progress" % task["id"],
             {"leaseToken": task["leaseToken"], "percent": 50, "message": "counting"})
        result = {"words": len(text.split()), "characters": len(text)}
    finally:
        stop.set()
        beat.join()
    if task.get("cancelled"):
        return
    status, answer = call(base, key, "POST", "/tasks/%s/complete" % task["id"],
                          {"leaseToken": task["leaseToken"], "result": result})
    print("completed %s: %s %s" % (task["id"], status, json.dumps(result)), flush=True)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    base, key = sys.argv[1].rstrip("/"), sys.argv[2]
    once = "--once" in sys.argv[3:]
    schema = {"type": "object", "properties": {"lowercase": {"type": "boolean"}},
              "additionalProperties": False}
    status, answer = call(base, key, "PUT", "/workers/" + NAME,
                          {"types": [{"type": TYPE, "input": "payload", "options": schema,
                                      "concurrency": 1}]})
    if status != 200:
        print("register failed: %s %s" % (status, answer), file=sys.stderr)
        sys.exit(1)
    print("registered %s serving %s" % (NAME, TYPE), flush=True)
    while True:
        status, answer = call(base, key, "POST", "/workers/%s/claims" % NAME,
                              {"types": [TYPE], "max": 1}, {"Prefer": "wait=%d" % WAIT_S})
        if status != 200:
            print("claim failed: %s %s" % (status, answer), file=sys.stderr)
            sys.exit(1)
        for task in answer["tasks"]:
            print("claimed %s (attempt %s)" % (task["id"], task["attempt"]), flush=True)
            work(base, key, task)
            if once:
                return


if __name__ == "__main__":
    main()
