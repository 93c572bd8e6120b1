"""A fault-injecting HTTP proxy for AWS JSON calls, placed between our client
and moto. Faults follow a deterministic per-operation schedule (the operation
is read from X-Amz-Target): each request of that operation takes the next
action; once the list is used up, requests are forwarded normally.

Actions:
  forward          forward to the target and relay the answer
  throttle         answer 400 ThrottlingException without forwarding
  error500         answer 500 InternalFailure without forwarding
  drop             read the request, close the connection, do not forward
  forward_drop     forward (the call takes effect), then close without answering
  forward_500      forward (the call takes effect), then answer 500
  delay:MS         wait MS milliseconds, then forward

Besides the schedule, throttle_rate throttles that share of the remaining
requests at random (a fixed seed: a shared account's quota), and
hang_after=N makes every request after the Nth hang unanswered, on new and
kept-alive connections alike (a server that went away without closing
anything).

moto does not reject a second CreateTrainingJob with a taken name (the real
service answers ResourceInUse); with unique_names=True the proxy emulates that
rule for the names it has seen created successfully.

Usable in-process (FaultProxy(...).start()) or as a script:
  fault_proxy.py --target http://127.0.0.1:PORT --port 0 --schedule '{"ListTrainingJobs": ["throttle"]}'
"""
import argparse
import http.client
import http.server
import json
import random
import threading
import time
import urllib.parse


class FaultProxy:
    def __init__(self, target, schedule=None, unique_names=True, port=0, throttle_rate=0.0, seed=1,
                 hang_after=None):
        self.target = urllib.parse.urlsplit(target)
        self.schedule = {op: list(actions) for op, actions in (schedule or {}).items()}
        self.unique_names = unique_names
        self.throttle_rate = throttle_rate
        self.rng = random.Random(seed)
        self.hang_after = hang_after
        self.total = 0                # requests received, all operations
        self.released = threading.Event()  # set by stop(): hung handlers return
        self.lock = threading.Lock()
        self.received = {}          # operation -> requests seen
        self.forwarded = {}         # operation -> requests forwarded
        self.created_ok = {}        # training job name -> successful forwarded creates
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                proxy._handle(self)

            do_GET = do_POST
            do_PUT = do_POST
            do_DELETE = do_POST

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def set_schedule(self, schedule):
        with self.lock:
            self.schedule = {op: list(actions) for op, actions in schedule.items()}

    def _next_action(self, op):
        with self.lock:
            self.received[op] = self.received.get(op, 0) + 1
            self.total += 1
            if self.hang_after is not None and self.total > self.hang_after:
                return "hang"
            actions = self.schedule.get(op)
            if actions:
                return actions.pop(0)
            if self.throttle_rate and self.rng.random() < self.throttle_rate:
                return "throttle"
            return "forward"

    def _reply(self, h, status, obj, extra_headers=()):
        body = json.dumps(obj).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/x-amz-json-1.1")
        h.send_header("x-amzn-RequestId", "proxy-%d" % int(time.time() * 1e6))
        for k, v in extra_headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _forward(self, h, body):
        conn = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=30)
        # The Host header is passed through unchanged: it is signed.
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("connection", "proxy-connection")}
        conn.request(h.command, h.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        out_headers = [(k, v) for k, v in resp.getheaders()
                       if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")]
        conn.close()
        return resp.status, out_headers, data

    @staticmethod
    def json_body(body):
        """The request body as JSON, {} when it is empty or not JSON."""
        try:
            return json.loads(body or b"{}")
        except ValueError:
            return {}

    def _intercept(self, h, op, body):
        """A subclass answers the requests it stands in for here and returns
        True; the rest (False) go through the schedule to the target."""
        return False

    def _handle(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        target = h.headers.get("X-Amz-Target", "")
        op = target.split(".", 1)[1] if "." in target else target
        if self._intercept(h, op, body):
            return
        action = self._next_action(op)
        if action == "hang":
            self.released.wait()
            h.close_connection = True
            return
        if action == "throttle":
            return self._reply(h, 400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
        if action == "error500":
            return self._reply(h, 500, {"__type": "InternalFailure", "message": "injected"})
        if action == "drop":
            h.close_connection = True
            return
        if action.startswith("delay:"):
            time.sleep(int(action.split(":", 1)[1]) / 1000.0)

        name = None
        if op == "CreateTrainingJob":
            try:
                name = json.loads(body or b"{}").get("TrainingJobName")
            except ValueError:
                name = None
            with self.lock:
                taken = self.unique_names and self.created_ok.get(name, 0) > 0
            if taken:
                return self._reply(h, 400, {"__type": "ResourceInUse",
                                            "message": f"Training job {name} already exists"})
        status, headers, data = self._forward(h, body)
        with self.lock:
            self.forwarded[op] = self.forwarded.get(op, 0) + 1
            if name is not None and status == 200:
                self.created_ok[name] = self.created_ok.get(name, 0) + 1
        if action == "forward_drop":
            h.close_connection = True
            return
        if action == "forward_500":
            return self._reply(h, 500, {"__type": "InternalFailure", "message": "injected after forwarding"})
        h.send_response(status)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--schedule", default="{}", help="JSON: operation -> list of actions")
    ap.add_argument("--no-unique-names", action="store_true")
    args = ap.parse_args()
    proxy = FaultProxy(args.target, json.loads(args.schedule), not args.no_unique_names, args.port)
    print(proxy.url, flush=True)
    proxy.server.serve_forever()


if __name__ == "__main__":
    main()
