"""A loopback stand-in for the three SageMaker calls an audit of training jobs
makes (ListTrainingJobs with pagination, DescribeTrainingJob, ListTags). Each
answer comes after a fixed latency (default 30 ms) measured from the
request's arrival; the arrival time of every request is logged so a run's
request rate can be checked afterwards.

Two servers give the same answers:
- "asyncio" (default): one event loop, a small HTTP/1.1 reader, each answer
  encoded once and written in one send(). A real service spends none of the
  client machine's CPU; on a two-core box the benchmark should measure the
  clients, not the fake, so the fake is kept cheap.
- "threads": http.server's ThreadingHTTPServer, a thread per connection (the
  fake the first audit figures used; it costs several times more CPU per
  request).

Signatures are not checked (this measures the client, not auth). Usable
in-process (make_fake(...).start()) or as a script printing its URL; the
operation "BenchArrivals" returns and clears the arrival log."""
import argparse
import asyncio
import http.server
import json
import socket
import subprocess
import sys
import threading
import time


class FakeService:
    """What the fake answers, independent of how it is served."""

    def __init__(self, jobs=1000, latency_ms=30):
        self.jobs = [f"bench-job-{i:05d}" for i in range(jobs)]
        self.latency = latency_ms / 1000.0
        self.lock = threading.Lock()
        self.arrivals = []  # (monotonic seconds, operation)
        self._encoded = {}  # (operation, request body) -> (status, bytes)

    def arn(self, name):
        return f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}"

    def answer(self, op, body):
        if op == "ListTrainingJobs":
            size = int(body.get("MaxResults", 100))
            start = int(body.get("NextToken", "0"))
            page = self.jobs[start:start + size]
            out = {"TrainingJobSummaries": [{
                "TrainingJobName": n, "TrainingJobArn": self.arn(n), "CreationTime": 1700000000.0,
                "TrainingJobStatus": "Completed"} for n in page]}
            if start + size < len(self.jobs):
                out["NextToken"] = str(start + size)
            return 200, out
        if op == "DescribeTrainingJob":
            n = body["TrainingJobName"]
            i = int(n.rsplit("-", 1)[1])
            d = {
                "TrainingJobName": n, "TrainingJobArn": self.arn(n), "TrainingJobStatus": "Completed",
                "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1",
                                           "TrainingInputMode": "File"},
                "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
                "OutputDataConfig": {"S3OutputPath": "s3://bench/out"},
                "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
                "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
                "EnableNetworkIsolation": i % 2 == 0,
                "EnableInterContainerTrafficEncryption": i % 3 == 0,
                "CreationTime": 1700000000.0,
            }
            if i % 4:
                d["VpcConfig"] = {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]}
            return 200, d
        if op == "ListTags":
            i = int(body["ResourceArn"].rsplit("-", 1)[1])
            tags = [{"Key": "Project", "Value": f"p{i % 7}"}]
            if i % 5:
                tags.append({"Key": "Cost Center", "Value": "CC-100"})
            return 200, {"Tags": tags}
        return 400, {"__type": "UnknownOperationException", "message": op}

    def answer_bytes(self, op, raw_body):
        """answer() encoded; deterministic, so each distinct request is
        encoded once."""
        key = (op, raw_body)
        hit = self._encoded.get(key)
        if hit is None:
            status, out = self.answer(op, json.loads(raw_body or b"{}"))
            hit = (status, json.dumps(out).encode())
            self._encoded[key] = hit
        return hit

    def log_arrival(self, t, op):
        with self.lock:
            self.arrivals.append((t, op))

    def take_arrivals(self):
        with self.lock:
            out, self.arrivals = self.arrivals, []
        return out


def http_response(status, data):
    reason = "OK" if status == 200 else "Bad Request"
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\n"
            f"x-amzn-RequestId: fake\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode() + data


class AsyncFakeSageMaker(FakeService):
    def __init__(self, jobs=1000, latency_ms=30, port=0):
        super().__init__(jobs, latency_ms)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(1024)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    async def _connection(self, reader, writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                t = time.monotonic()
                length, op = 0, ""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"x-amz-target":
                        op = value.strip().decode().split(".", 1)[-1]
                raw = await reader.readexactly(length) if length else b""
                if op == "BenchArrivals":  # the log, for a driver in another process
                    writer.write(http_response(200, json.dumps({"arrivals": self.take_arrivals()}).encode()))
                    continue
                self.log_arrival(t, op)
                status, data = self.answer_bytes(op, raw)
                # Fixed service time, measured from arrival.
                delay = self.latency - (time.monotonic() - t)
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(http_response(status, data))
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    def serve_forever(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._connection, sock=self.sock, backlog=1024))
        self.loop.run_forever()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


class ThreadedFakeSageMaker(FakeService):
    def __init__(self, jobs=1000, latency_ms=30, port=0):
        super().__init__(jobs, latency_ms)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # http.server writes the headers and the body in two send()s.
            # With Nagle on, the body waits for the client's delayed ACK of
            # the headers (40 ms on Linux): every answer would take ~70 ms,
            # not the 30 ms this fake promises.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                t = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                op = self.headers.get("X-Amz-Target", "").split(".", 1)[-1]
                if op == "BenchArrivals":
                    data = json.dumps({"arrivals": fake.take_arrivals()}).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                fake.log_arrival(t, op)
                status, data = fake.answer_bytes(op, raw)
                time.sleep(max(0.0, fake.latency - (time.monotonic() - t)))
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("x-amzn-RequestId", "fake")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 512

        self.server = Server(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def serve_forever(self):
        self.server.serve_forever()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


SERVERS = {"asyncio": AsyncFakeSageMaker, "threads": ThreadedFakeSageMaker}


def make_fake(jobs=1000, latency_ms=30, port=0, server="asyncio"):
    return SERVERS[server](jobs, latency_ms, port)


def max_in_window(times, window=1.0):
    """Most arrivals in any window [t, t + window)."""
    times = sorted(times)
    best, j = 0, 0
    for i in range(len(times)):
        while times[i] - times[j] >= window:
            j += 1
        best = max(best, i - j + 1)
    return best


class RemoteProcess:
    """A fake started as its own process from `argv` (a script and its
    flags), so no client shares the fake's interpreter (and GIL); it prints
    its URL first."""

    def __init__(self, argv):
        self.proc = subprocess.Popen([sys.executable] + argv, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()

    def take_arrivals(self):
        import urllib.request
        req = urllib.request.Request(self.url, data=b"{}", method="POST",
                                     headers={"X-Amz-Target": "SageMaker.BenchArrivals"})
        with urllib.request.urlopen(req) as r:
            return [tuple(a) for a in json.load(r)["arrivals"]]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=30)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--server", choices=sorted(SERVERS), default="asyncio")
    args = ap.parse_args()
    fake = make_fake(args.jobs, args.latency_ms, args.port, args.server)
    print(fake.url, flush=True)
    fake.serve_forever()


if __name__ == "__main__":
    main()
