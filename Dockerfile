# syntax=docker/dockerfile:1
#
# mentor-match container image: gRPC (mentormatch.v1.MentorMatch, health, reflection) and
# HTTP/JSON on one port, 50051.
#
#   docker build -t mentor-match .
#   docker run --rm -p 50051:50051 --stop-timeout 45 \
#     -e MENTOR_MATCH_TOKEN="$(cat /path/to/token)" mentor-match
#
# MENTOR_MATCH_TOKEN MUST be set (from a secret: Kubernetes secretKeyRef, `docker run
# --env-file`, ...): the image listens on 0.0.0.0, and without a bearer token the server
# refuses to start. Extra `serve` options go after the image name, e.g.
#   docker run ... -v /etc/mentor-match:/etc/mentor-match:ro mentor-match \
#     --config /etc/mentor-match/config.toml
# `--stop-timeout 45`: on SIGTERM running solves get shutdown_grace_seconds (30) to finish,
# longer than Docker's default of 10 s. See deploy/README.md.
#
# Needs BuildKit (the default builder since Docker 23) for the cache mounts.

# The toolchain CI builds with (Cargo.lock is resolved and tested with it).
ARG RUST_VERSION=1.95

# ---- build -------------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-bookworm AS builder

# HiGHS (the highs-sys crate) is C++ built from source by cmake; bindgen needs libclang.
# Same packages as scripts/install-deps.sh (gcc, g++ and make come with the rust image).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake clang libclang-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# Dependencies are cached across builds in BuildKit cache mounts: the crates.io registry and
# the target directory (HiGHS's cmake build, the longest step, lives there), so a change to
# src/ recompiles only this crate. The binary is copied out because the cache mount is not
# part of the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin mentor-match \
 && install -D -m 0755 target/release/mentor-match /out/mentor-match \
 && strip --strip-debug /out/mentor-match

# ---- runtime -----------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# The binary links libstdc++, libgcc_s, libm and libc, all in bookworm-slim.
# A fixed id above the system range (useradd --no-log-init: no sparse lastlog entry for it).
RUN groupadd --gid 10001 mentor-match \
 && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mentor-match

COPY --from=builder /out/mentor-match /usr/local/bin/mentor-match

# Numeric user, so Kubernetes' runAsNonRoot can check it.
USER 10001:10001

ENV RUST_LOG=info

EXPOSE 50051

# Liveness for Docker and Compose: grpc.health.v1.Health/Check on loopback, exit 0 if SERVING.
# (With tls_cert set in a config the service speaks TLS only; this plain-text check then fails.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/mentor-match", "health", "--url", "http://127.0.0.1:50051"]

STOPSIGNAL SIGTERM

ENTRYPOINT ["/usr/local/bin/mentor-match", "--log-json", "serve", "--addr", "0.0.0.0:50051"]
CMD []
