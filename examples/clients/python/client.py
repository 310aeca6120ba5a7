#!/usr/bin/env python3
"""Example gRPC client for mentor-match (mentormatch.v1.MentorMatch).

Generates the Python stubs from the repository's proto at run time (nothing generated is
checked in), reads a request in the proto3 JSON mapping (the same file the CLI takes), calls
the service and prints a short summary.

    pip install -r examples/clients/python/requirements.txt
    python examples/clients/python/client.py --addr 127.0.0.1:50051 examples/school.json
    python examples/clients/python/client.py --validate examples/school.json
    python examples/clients/python/client.py --rematch examples/midyear.json
    python examples/clients/python/client.py examples/school.json --output plan.json

A bearer token is read from MENTOR_MATCH_TOKEN. Exit status: 0 answered; 2 the request is
invalid (INVALID_ARGUMENT, an invalid Validate answer, or a file that is not the request's
JSON); 1 any other failure (unreachable, wrong token, busy, deadline, ...).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.resources
import os
import sys
import tempfile
from pathlib import Path

import grpc
from google.protobuf import json_format

PROTO_FILE = "mentormatch/v1/mentormatch.proto"
# examples/clients/python/client.py -> the repository root is three folders up.
DEFAULT_PROTO_ROOT = Path(__file__).resolve().parents[3] / "proto"
# Replies for a large district exceed grpc's default 4 MiB receive limit.
MAX_MESSAGE_BYTES = 512 * 1024 * 1024


def load_stubs(proto_root: Path, out_dir: str):
    """Runs protoc (from grpcio-tools) on the proto; returns the (messages, stubs) modules."""
    from grpc_tools import protoc

    well_known = importlib.resources.files("grpc_tools") / "_proto"
    rc = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{proto_root}",
            f"-I{well_known}",
            f"--python_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            PROTO_FILE,
        ]
    )
    if rc != 0:
        sys.exit(f"error: protoc failed on {proto_root / PROTO_FILE} (exit {rc})")
    sys.path.insert(0, out_dir)
    pb = importlib.import_module("mentormatch.v1.mentormatch_pb2")
    pb_grpc = importlib.import_module("mentormatch.v1.mentormatch_pb2_grpc")
    return pb, pb_grpc


def read_request(path: str, message):
    """Parses a proto3 JSON file into `message`; unknown fields are an error, as in the CLI."""
    try:
        with open(path, encoding="utf-8") as f:
            json_format.Parse(f.read(), message)
    except (OSError, json_format.ParseError) as e:
        print(f"error: {path}: {e}", file=sys.stderr)
        sys.exit(2)
    return message


def channel_for(args) -> grpc.Channel:
    options = [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]
    if not (args.tls or args.ca):
        return grpc.insecure_channel(args.addr, options=options)

    def read(p):
        return Path(p).read_bytes() if p else None

    creds = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),  # None: the system's roots
        private_key=read(args.key),
        certificate_chain=read(args.cert),
    )
    return grpc.secure_channel(args.addr, creds, options=options)


def print_solve(pb, resp) -> None:
    s = resp.summary
    print(f"status: {pb.SolveStatus.Name(resp.solver.status)}")
    print(f"needs covered: {s.needs_covered} / {s.needs}")
    print(f"pairs: {len(resp.assignments)}")
    for a in resp.assignments[:3]:
        print(f"  {a.student_id} → {a.mentor_id}")
    if len(resp.assignments) > 3:
        print(f"  ... and {len(resp.assignments) - 3} more")


def print_validate(resp) -> None:
    if resp.valid:
        print(
            f"valid: true ({resp.students} students, {resp.mentors} mentors, "
            f"{resp.needs} needs, {resp.candidate_pairs} candidate pairs)"
        )
        return
    print(f"valid: false, {len(resp.violations)} problem(s)")
    for v in resp.violations:
        print(f"  {v.field}: {v.description} [{v.code}]")


def print_rpc_error(err: grpc.RpcError) -> int:
    """Prints the status (and, for INVALID_ARGUMENT, every field violation); returns the exit code."""
    code = err.code()
    print(f"error: {code.name}: {err.details()}", file=sys.stderr)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        # The violations travel as google.rpc.Status in the grpc-status-details-bin trailer.
        from google.rpc import error_details_pb2
        from grpc_status import rpc_status

        status = rpc_status.from_call(err)
        for detail in status.details if status else []:
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                for v in bad.field_violations:
                    print(f"  {v.field}: {v.description} [{v.reason}]", file=sys.stderr)
        return 2
    hints = {
        grpc.StatusCode.UNAUTHENTICATED: "set MENTOR_MATCH_TOKEN to the server's token",
        grpc.StatusCode.UNAVAILABLE: "is the server running at that address?",
        grpc.StatusCode.RESOURCE_EXHAUSTED: "the server is busy or the request too large; retry later",
        grpc.StatusCode.DEADLINE_EXCEEDED: "raise --timeout",
    }
    if code in hints:
        print(f"  hint: {hints[code]}", file=sys.stderr)
    return 1


def main() -> int:
    p = argparse.ArgumentParser(description="mentor-match gRPC example client")
    p.add_argument("request", help="request file, proto3 JSON (e.g. examples/school.json)")
    p.add_argument("--addr", default="127.0.0.1:50051", help="host:port of the server")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--validate", action="store_true", help="call Validate instead of Solve")
    mode.add_argument("--rematch", action="store_true", help="call Rematch (a RematchRequest file)")
    p.add_argument("--timeout", type=float, default=60.0, help="deadline in seconds (default 60)")
    p.add_argument("--output", help="write the full response here as proto3 JSON")
    p.add_argument("--proto-root", type=Path, default=DEFAULT_PROTO_ROOT,
                   help=f"folder holding {PROTO_FILE} (default: the repository's proto/)")
    p.add_argument("--tls", action="store_true", help="use TLS with the system's roots")
    p.add_argument("--ca", help="PEM CA to trust (turns TLS on)")
    p.add_argument("--cert", help="client certificate PEM (mutual TLS)")
    p.add_argument("--key", help="client key PEM (mutual TLS)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="mentormatch-stubs-") as out_dir:
        pb, pb_grpc = load_stubs(args.proto_root, out_dir)

    request = read_request(args.request, pb.RematchRequest() if args.rematch else pb.SolveRequest())
    metadata = []
    token = os.environ.get("MENTOR_MATCH_TOKEN", "").strip()
    if token:
        metadata.append(("authorization", f"Bearer {token}"))

    with channel_for(args) as channel:
        stub = pb_grpc.MentorMatchStub(channel)
        call = stub.Validate if args.validate else stub.Rematch if args.rematch else stub.Solve
        try:
            resp = call(request, timeout=args.timeout, metadata=metadata)
        except grpc.RpcError as err:
            return print_rpc_error(err)

    if args.validate:
        print_validate(resp)
    elif args.rematch:
        print(f"kept {resp.kept}, moved {resp.moved}, new {resp.created}, ended {resp.ended}"
              f" ({resp.voluntary_changes} voluntary)")
        print_solve(pb, resp.result)
    else:
        print_solve(pb, resp)
    if args.output:
        Path(args.output).write_text(
            json_format.MessageToJson(resp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.output}")
    return 2 if args.validate and not resp.valid else 0


if __name__ == "__main__":
    # Never fail on printing an arrow to a terminal that is not UTF-8.
    sys.stdout.reconfigure(errors="backslashreplace")
    sys.exit(main())
