//! What one password hash or verify costs with the platform's parameters
//! (argon2id, m=19456 KiB, t=2, p=1): the CPU floor of every sign-up and
//! login. usage: argon2-cost [RUNS]

use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(domain::password_hash::hash_blocking(
                "correct horse battery staple",
            ));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "argon2id m=19456 t=2 p=1: {runs} hashes, median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms[runs / 2],
        ms[0],
        ms[runs - 1]
    );
}
