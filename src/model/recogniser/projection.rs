//! The output projection's kernels: logits = hidden · Eᵀ with E held as float16 bits.
//!
//! E (~40 MB for Whisper's 51,864 × 384) does not fit in any cache, so a call is bound by
//! reading it once; each kernel reads every row once and dots it with all hidden vectors.
//! - x86_64 with AVX2, FMA and F16C: each row converted 8 values per instruction
//!   (`vcvtph2ps`) straight into the fused multiply-adds, no scratch buffer.
//! - Elsewhere (NEON on aarch64, SSE2): a few rows converted by branchless bit arithmetic
//!   into an L1-sized scratch, then dotted with fixed-lane accumulators LLVM vectorises.

use super::embedding::f16_to_f32;

/// Rows converted per block of the portable kernel: 8 × 384 f32 = 12 KiB of scratch.
const BLOCK: usize = 8;
/// Accumulator lanes of the portable dot product.
const LANES: usize = 16;

/// A projection kernel: E bits, width, hidden rows, logits out (as [`project`]).
#[cfg(test)]
type Kernel = fn(&[u16], usize, &[f32], &mut [f32]);

/// `out[k × vocab + t]` = hidden row k · E row t; `bits` is E `[vocab, width]` row-major,
/// `hidden` is `[n, width]`, `out` is `[n, vocab]`.
pub fn project(bits: &[u16], width: usize, hidden: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if width % 8 == 0
        && std::is_x86_feature_detected!("avx2")
        && std::is_x86_feature_detected!("fma")
        && std::is_x86_feature_detected!("f16c")
    {
        // SAFETY: the CPU has AVX2, FMA and F16C (checked above); width is a multiple of 8.
        unsafe { x86::project_f16c(bits, width, hidden, out) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has AVX2 and FMA, checked just above.
        unsafe { x86::project_avx2_fma(bits, width, hidden, out) };
        return;
    }
    // AArch64's NEON has a fused multiply-add; baseline x86_64 (SSE2) does not.
    project_blocks::<{ cfg!(target_arch = "aarch64") }>(bits, width, hidden, out);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// [`super::project_blocks`] compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn project_avx2_fma(bits: &[u16], width: usize, hidden: &[f32], out: &mut [f32]) {
        super::project_blocks::<true>(bits, width, hidden, out);
    }

    /// Each row of E converted inside the dot products, 8 values at a time. One hidden
    /// vector (a greedy step): a row at a time, two accumulators to cover the multiply-add
    /// latency. Several (scoring): two rows × up to four hidden vectors per pass, so each
    /// hidden chunk loaded serves two rows.
    ///
    /// # Safety
    /// The CPU must support AVX2, FMA and F16C, and `width` must be a multiple of 8.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub unsafe fn project_f16c(bits: &[u16], width: usize, hidden: &[f32], out: &mut [f32]) {
        let vocab = bits.len() / width;
        let hs: Vec<&[f32]> = hidden.chunks_exact(width).collect();
        let rows: Vec<&[u16]> = bits.chunks_exact(width).collect();
        let pair = hs.len() > 1;
        let mut t = 0;
        while t < rows.len() {
            let two = pair && t + 1 < rows.len();
            for (g, group) in hs.chunks(4).enumerate() {
                let sums = if two {
                    group_dots([rows[t], rows[t + 1]], group)
                } else {
                    group_dots([rows[t]], group)
                };
                for (dt, row_sums) in sums.iter().take(1 + usize::from(two)).enumerate() {
                    for (j, &v) in row_sums.iter().take(group.len()).enumerate() {
                        out[(4 * g + j) * vocab + t + dt] = v;
                    }
                }
            }
            t += 1 + usize::from(two);
        }
    }

    /// [`dots`] of `R` rows with a group of 1 to 4 hidden vectors, widened to 2 rows of 4.
    #[target_feature(enable = "avx2,fma,f16c")]
    fn group_dots<const R: usize>(r: [&[u16]; R], group: &[&[f32]]) -> [[f32; 4]; 2] {
        match *group {
            [a, b, c, d] => pad(dots(r, [a, b, c, d])),
            [a, b, c] => pad(dots(r, [a, b, c])),
            [a, b] => pad(dots(r, [a, b])),
            [a] => pad(dots(r, [a])),
            _ => unreachable!("chunks of 1 to 4"),
        }
    }

    /// Widens `R` rows of `G` sums to 2 rows of 4.
    fn pad<const R: usize, const G: usize>(sums: [[f32; G]; R]) -> [[f32; 4]; 2] {
        let mut out = [[0.0; 4]; 2];
        for (o, s) in out.iter_mut().zip(sums) {
            o[..G].copy_from_slice(&s);
        }
        out
    }

    /// Each of `rows` (float16 bits) · each of `hs`, all `rows[0].len()` long, a multiple
    /// of 8. With one row and one vector, two accumulators alternate (latency); otherwise
    /// one per pair, R × G ≤ 8 of them.
    #[target_feature(enable = "avx2,fma,f16c")]
    fn dots<const R: usize, const G: usize>(rows: [&[u16]; R], hs: [&[f32]; G]) -> [[f32; G]; R] {
        let n = rows[0].len();
        assert!(n % 8 == 0 && rows.iter().all(|r| r.len() == n) && hs.iter().all(|h| h.len() >= n));
        let split = R * G == 1;
        let mut acc = [[[_mm256_setzero_ps(); 2]; G]; R];
        // SAFETY: every load reads 8 elements at i with i + 8 ≤ n, within each row and each
        // hidden vector (asserted above), unaligned (loadu).
        unsafe {
            for i in (0..n).step_by(8) {
                let half = if split { (i / 8) % 2 } else { 0 };
                let mut e = [_mm256_setzero_ps(); R];
                for (e, r) in e.iter_mut().zip(rows) {
                    *e = _mm256_cvtph_ps(_mm_loadu_si128(r.as_ptr().add(i).cast()));
                }
                for (g, h) in hs.iter().enumerate() {
                    let x = _mm256_loadu_ps(h.as_ptr().add(i));
                    for (a, &e) in acc.iter_mut().zip(&e) {
                        a[g][half] = _mm256_fmadd_ps(e, x, a[g][half]);
                    }
                }
            }
        }
        let mut sums = [[0.0; G]; R];
        for (s, a) in sums.iter_mut().zip(acc) {
            for (s, [x, y]) in s.iter_mut().zip(a) {
                *s = horizontal_sum(_mm256_add_ps(x, y));
            }
        }
        sums
    }

    #[target_feature(enable = "avx2")]
    fn horizontal_sum(v: __m256) -> f32 {
        let quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
        _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)))
    }
}

/// The portable kernel: E read once, a block of rows at a time.
#[inline(always)]
fn project_blocks<const FMA: bool>(bits: &[u16], width: usize, hidden: &[f32], out: &mut [f32]) {
    let vocab = bits.len() / width;
    let mut scratch = vec![0.0f32; BLOCK * width];
    for (b, rows) in bits.chunks(BLOCK * width).enumerate() {
        let block = &mut scratch[..rows.len()];
        for (d, &h) in block.iter_mut().zip(rows) {
            *d = f16_to_f32(h);
        }
        for (h, logits) in hidden.chunks_exact(width).zip(out.chunks_exact_mut(vocab)) {
            let logits = &mut logits[b * BLOCK..];
            for (o, row) in logits.iter_mut().zip(block.chunks_exact(width)) {
                *o = dot::<FMA>(h, row);
            }
        }
    }
}

/// Dot product with `LANES` independent accumulators (vectorisable without reassociation).
#[inline(always)]
fn dot<const FMA: bool>(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let (xs, ys) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = xs
        .remainder()
        .iter()
        .zip(ys.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in xs.zip(ys) {
        for i in 0..LANES {
            acc[i] = if FMA {
                x[i].mul_add(y[i], acc[i])
            } else {
                acc[i] + x[i] * y[i]
            };
        }
    }
    // Pairwise, so the lanes reduce as vectors.
    let mut n = LANES;
    while n > 1 {
        n /= 2;
        for i in 0..n {
            acc[i] += acc[i + n];
        }
    }
    acc[0] + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kernel this CPU can run gives the logits of the f64 definition.
    #[test]
    fn kernels_agree_with_the_definition() {
        // Odd vocabularies (a last row alone), one hidden vector (a greedy step) and five
        // (a group of four and one alone).
        for (vocab, width, n) in [(53, 384, 5), (53, 384, 1), (19, 40, 5), (9, 24, 2)] {
            let bits: Vec<u16> = (0..vocab * width)
                .map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 16) as u16 & 0xbbff)
                .collect();
            let hidden: Vec<f32> = (0..n * width)
                .map(|i| ((i * 7) % 13) as f32 * 1e-3 - 6e-3)
                .collect();
            let mut want = vec![0.0f64; n * vocab];
            let mut scale = vec![0.0f64; n * vocab];
            for (k, h) in hidden.chunks(width).enumerate() {
                for (t, row) in bits.chunks(width).enumerate() {
                    for (&x, &b) in h.iter().zip(row) {
                        let p = f64::from(x) * f64::from(f16_to_f32(b));
                        want[k * vocab + t] += p;
                        scale[k * vocab + t] += p.abs();
                    }
                }
            }
            let mut kernels: Vec<(&str, Vec<f32>)> = Vec::new();
            for (name, run) in [
                ("dispatch", project as Kernel),
                ("portable", project_blocks::<false>),
                ("portable fma", project_blocks::<true>),
            ] {
                let mut out = vec![0.0; n * vocab];
                run(&bits, width, &hidden, &mut out);
                kernels.push((name, out));
            }
            for (name, got) in &kernels {
                for (i, &g) in got.iter().enumerate() {
                    let d = (f64::from(g) - want[i]).abs();
                    assert!(
                        d <= 1e-6 * scale[i].max(1e-30),
                        "{name} {vocab}×{width} [{i}]: {d:e}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod measured {
    use super::*;

    fn blocks_avx2(bits: &[u16], width: usize, hidden: &[f32], out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            unsafe { x86::project_avx2_fma(bits, width, hidden, out) };
            return;
        }
        project_blocks::<{ cfg!(target_arch = "aarch64") }>(bits, width, hidden, out);
    }

    /// One greedy step's projection (N = 1) on the shipped embedding, each kernel in turn,
    /// alternating so load changes hit all alike.
    /// `cargo test --release --lib kernels_measured -- --ignored --nocapture`
    #[test]
    #[ignore = "measurement"]
    fn kernels_measured() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/whisper-tiny-en-decoder/embedding.f16"
        );
        let bytes = std::fs::read(path).unwrap();
        let bits: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        let width = 384;
        // One greedy step (N = 1); scoring projects a few dozen rows at once.
        for n in [1, 24] {
            let hidden: Vec<f32> = (0..n * width).map(|i| (i as f32 * 0.37).sin()).collect();
            let kernels: [(&str, Kernel); 3] = [
                ("dispatch", project),
                ("portable", project_blocks::<false>),
                ("blocks, AVX2 + FMA (x86_64)", blocks_avx2),
            ];
            let mut times = vec![Vec::new(); kernels.len()];
            let mut out = vec![0.0; n * bits.len() / width];
            for _ in 0..(40 / n).max(5) {
                for (k, (_, run)) in kernels.iter().enumerate() {
                    let t = std::time::Instant::now();
                    run(&bits, width, &hidden, &mut out);
                    times[k].push(t.elapsed().as_secs_f64() * 1e3);
                }
            }
            for ((name, _), mut xs) in kernels.iter().zip(times) {
                xs.sort_by(f64::total_cmp);
                println!(
                    "N = {n}, {name}: p50 {:.2} / min {:.2} ms",
                    xs[xs.len() / 2],
                    xs[0]
                );
            }
        }
    }
}
