"""A loopback stand-in for the three SageMaker calls an audit of training jobs
makes (ListTrainingJobs with pagination, DescribeTrainingJob, ListTags). Each
answer comes after a fixed latency (default 30 ms); the arrival time of every
request is logged so a run's request rate can be checked afterwards.

Signatures are not checked (this measures the client, not auth). Usable
in-process (FakeSageMaker(...).start()) or as a script printing its URL; the
operation "BenchArrivals" returns and clears the arrival log."""
import argparse
import http.server
import json
import threading
import time


class FakeSageMaker:
    def __init__(self, jobs=1000, latency_ms=30, port=0):
        self.jobs = [f"bench-job-{i:05d}" for i in range(jobs)]
        self.latency = latency_ms / 1000.0
        self.lock = threading.Lock()
        self.arrivals = []  # (monotonic seconds, operation)
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                t = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                op = self.headers.get("X-Amz-Target", "").split(".", 1)[-1]
                if op == "BenchArrivals":  # the log, for a driver in another process
                    data = json.dumps({"arrivals": fake.take_arrivals()}).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                with fake.lock:
                    fake.arrivals.append((t, op))
                status, out = fake.answer(op, body)
                # Fixed service time, measured from arrival.
                time.sleep(max(0.0, fake.latency - (time.monotonic() - t)))
                data = json.dumps(out).encode()
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

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def take_arrivals(self):
        with self.lock:
            out, self.arrivals = self.arrivals, []
        return out


def max_in_window(times, window=1.0):
    """Most arrivals in any window [t, t + window)."""
    times = sorted(times)
    best, j = 0, 0
    for i in range(len(times)):
        while times[i] - times[j] >= window:
            j += 1
        best = max(best, i - j + 1)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=30)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    fake = FakeSageMaker(args.jobs, args.latency_ms, args.port)
    print(fake.url, flush=True)
    fake.server.serve_forever()


if __name__ == "__main__":
    main()
