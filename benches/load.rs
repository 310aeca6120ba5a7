//! Load figures for the gRPC service: `MENTOR_MATCH_LOAD=1 cargo bench --bench load`.
//!
//! Starts the real server on a loopback port (default settings: as many concurrent solves as
//! cores, 16 queued), then drives it with the project's own tonic client at 1, 8 and 64
//! concurrent clients, each sending school-size solves (`generate --students 900 --mentors 240
//! --single-need`, the March call) back to back for a fixed time. Prints throughput, p50/p99
//! latency of answered calls, refusals (`RESOURCE_EXHAUSTED`, the admission gate working) and
//! the process's resident memory before and after. Bounded in time; only loopback traffic.

use std::time::{Duration, Instant};

use mentor_match::generate;
use mentor_match::proto::pb;
use mentor_match::proto::pb::mentor_match_client::MentorMatchClient;
use mentor_match::server::{self, Settings};

/// Resident memory of this process (server and clients), MiB.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    if std::env::var_os("MENTOR_MATCH_LOAD").is_none() {
        println!("load bench skipped: set MENTOR_MATCH_LOAD=1 to run it (about a minute)");
        return;
    }
    let seconds: u64 = std::env::var("MENTOR_MATCH_LOAD_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let settings = Settings::default();
        let concurrent = settings.service.max_concurrent_solves;
        let queue = settings.service.queue_depth;
        let server = tokio::spawn(server::serve(settings, listener, async move {
            let _ = stopped.await;
        }));
        let request = pb::SolveRequest::from(generate::generate_with(900, 240, 1, true));
        let url = format!("http://{addr}");
        let mut warm = None;
        for _ in 0..100 {
            if let Ok(c) = MentorMatchClient::connect(url.clone()).await {
                warm = Some(c.max_decoding_message_size(usize::MAX));
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut warm = warm.expect("server up");
        warm.solve(request.clone()).await.expect("warm-up solve");
        let before = rss_mib();
        println!(
            "\nload: 900x240 single-need solves, {concurrent} concurrent solves, queue {queue}, \
             {seconds} s per level; resident memory before {before:.0} MiB"
        );
        println!("clients  answered  refused  other   calls/s   p50 ms   p99 ms");
        for clients in [1usize, 8, 64] {
            let until = Instant::now() + Duration::from_secs(seconds);
            let mut tasks = Vec::new();
            for _ in 0..clients {
                let url = url.clone();
                let request = request.clone();
                tasks.push(tokio::spawn(async move {
                    let mut client = MentorMatchClient::connect(url)
                        .await
                        .expect("connects")
                        .max_decoding_message_size(usize::MAX);
                    let (mut ok, mut refused, mut other) = (Vec::new(), 0u64, 0u64);
                    while Instant::now() < until {
                        let started = Instant::now();
                        match client.solve(request.clone()).await {
                            Ok(_) => ok.push(started.elapsed()),
                            Err(s) if s.code() == tonic::Code::ResourceExhausted => {
                                refused += 1;
                                // A refused client backs off a little, as a real one would.
                                tokio::time::sleep(Duration::from_millis(5)).await;
                            }
                            Err(_) => other += 1,
                        }
                    }
                    (ok, refused, other)
                }));
            }
            let started = Instant::now();
            let (mut latencies, mut refused, mut other) = (Vec::new(), 0, 0);
            for t in tasks {
                let (ok, r, o) = t.await.expect("client task");
                latencies.extend(ok);
                refused += r;
                other += o;
            }
            let elapsed = started.elapsed().as_secs_f64();
            latencies.sort();
            println!(
                "{clients:>7}  {:>8}  {refused:>7}  {other:>5}  {:>8.1}  {:>7.1}  {:>7.1}",
                latencies.len(),
                latencies.len() as f64 / elapsed,
                percentile(&latencies, 0.5).as_secs_f64() * 1e3,
                percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            );
        }
        println!("resident memory after {:.0} MiB", rss_mib());
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(35), server).await;
    });
}
