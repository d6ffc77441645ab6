//! The microphone path end to end without a sound card (feature `mic`): an ALSA file-plugin
//! device reads a FIFO that this test feeds in real time, so `groundprobe live --json`
//! captures through the real cpal stream, callback, ring, resampler and engine. The words
//! it finds must be those `groundprobe run --json` finds in the same audio written as a
//! WAV file: same count, times within one VAD frame. Also: the sample formats, rates and
//! channel counts USB microphones offer; an input that stalls and one that ends (and
//! comes back); a slow engine's drops; wild samples from the device.
//!
//! The device is defined through `ALSA_CONFIG_PATH` (the system `alsa.conf` plus one PCM),
//! so the user's own ALSA configuration is untouched. Needs alsa-lib's configuration
//! (`libasound2`, which `scripts/install-deps.sh` installs with its headers).
#![cfg(feature = "mic")]

mod common;

use std::thread;
use std::time::Duration;

use common::alsa::{
    Format, Step, Stream, device, of_type, run_spans, session, spans, speech, summary,
};

/// One VAD frame: 512 samples at 16 kHz.
const FRAME_S: f64 = 0.032;

/// Asserts two sessions found the same words at the same times (within `tolerance`,
/// after shifting `got` by `shift` seconds).
fn assert_same_words(
    got: &[(f64, f64)],
    want: &[(f64, f64)],
    shift: f64,
    tolerance: f64,
    what: &str,
) {
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: words {got:?} vs run's {want:?}"
    );
    for (g, w) in got.iter().zip(want) {
        let (ds, de) = ((g.0 + shift - w.0).abs(), (g.1 + shift - w.1).abs());
        assert!(
            ds <= tolerance && de <= tolerance,
            "{what}: {g:?} (+{shift:.3} s) vs run's {w:?}"
        );
    }
}

/// Plays `mono` through the device in `stream`'s configuration and through `run`; asserts
/// the same words at the same times and no drops. Returns the words.
fn live_matches_run(stream: &Stream, mono: &[f32]) -> usize {
    let Some(dev) = device() else { return 0 };
    let what = format!(
        "{:?} {} Hz {} ch",
        stream.format, stream.rate, stream.channels
    );
    let frames = stream.frames(mono);
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let lines = session(
        &dev,
        &stream.flags(),
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    let s = summary(&lines);
    assert_eq!(s["dropped_samples"], 0, "{what}: paced input drops nothing");
    assert!(
        of_type(&lines, "device").is_empty(),
        "{what}: {:?}",
        of_type(&lines, "device")
    );
    let want = run_spans(&wav);
    assert!(!want.is_empty(), "{what}: run found no words");
    assert_same_words(&spans(&lines), &want, 0.0, FRAME_S, &what);
    want.len()
}

/// Item 2 of the microphone issue: real speech through the device's default configuration
/// (48 kHz, 2 channels, f32, as cpal picks it), every word as `run` finds it.
#[test]
fn live_capture_through_a_real_alsa_device_finds_the_words_run_finds() {
    let stream = Stream {
        rate: 48_000,
        channels: 2,
        format: Format::F32,
    };
    let n = live_matches_run(&stream, &speech(20.0, 0.5, 1.5));
    assert!(n == 0 || n >= 10, "{n} words in the 12-word clip");
}

/// The formats, rates and channel counts USB microphones offer, each through cpal's real
/// conversion and the engine's resampler (three sessions at a time; each its own device).
#[test]
fn every_usb_format_rate_and_channel_count_gives_the_words_run_gives() {
    let configs = [
        (Format::S16, 16_000, 1),
        (Format::S16, 44_100, 2),
        (Format::S16, 48_000, 1),
        (Format::S32, 16_000, 2),
        (Format::S32, 44_100, 1),
        (Format::S32, 48_000, 2),
        (Format::F32, 16_000, 1),
        (Format::F32, 44_100, 2),
        (Format::F32, 48_000, 1),
    ];
    let mono = speech(4.8, 0.5, 1.5);
    for batch in configs.chunks(3) {
        thread::scope(|s| {
            for &(format, rate, channels) in batch {
                let mono = &mono;
                s.spawn(move || {
                    let stream = Stream {
                        rate,
                        channels,
                        format,
                    };
                    let n = live_matches_run(&stream, mono);
                    assert!(n == 0 || n >= 3, "{format:?} {rate} {channels}: {n} words");
                });
            }
        });
    }
}

fn default_stream() -> Stream {
    Stream {
        rate: 48_000,
        channels: 2,
        format: Format::F32,
    }
}

/// Item 4: the input stalls (the writer pauses), then ends (the FIFO closes: ALSA's file
/// plugin then delivers silence as fast as it can), then comes back. The session keeps its
/// words, says what happened, ignores the runaway and finds the words after it.
#[test]
fn a_stalled_then_ended_input_is_reported_and_the_session_resumes_when_it_is_back() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let frames = stream.frames(&speech(4.8, 0.5, 1.5));
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let want = run_spans(&wav);
    let raw = stream.format.raw(&frames);
    let lines = session(
        &dev,
        &[],
        stream.byte_rate(),
        vec![
            Step::Play(raw.clone()),
            Step::Hold(Duration::from_millis(2500)),
            Step::Reopen(Duration::from_millis(1500)),
            Step::Play(raw),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    let devices: Vec<String> = of_type(&lines, "device")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    let position = |part: &str| {
        devices
            .iter()
            .position(|m| m.contains(part))
            .unwrap_or_else(|| panic!("no `{part}` in {devices:?}"))
    };
    let (stalled, fast, paced) = (
        position("no audio"),
        position("faster than real time"),
        position("paced again"),
    );
    assert!(stalled < fast && fast < paced, "{devices:?}");
    let s = summary(&lines);
    assert_eq!(
        s["dropped_samples"], 0,
        "the runaway is not the engine lagging: {devices:?}"
    );
    let seconds = frames.len() as f64 / 2.0 / 48_000.0;
    let audio = s["audio_seconds"].as_f64().unwrap();
    // Both plays, give or take what the runaway let through and what of the returning
    // audio was ignored (see the shift below). On a loaded machine the runaway is noticed
    // later: 0.80 s let through was seen with a build running beside the tests.
    assert!(
        audio >= 2.0 * seconds - 0.6 && audio <= 2.0 * seconds + 1.0,
        "{audio} s of audio for 2 × {seconds} s played: the clock ran away"
    );
    let got = spans(&lines);
    assert_eq!(got.len(), 2 * want.len(), "{got:?} vs twice {want:?}");
    assert_same_words(&got[..want.len()], &want, 0.0, FRAME_S, "before the stall");
    // After it the clock is later by the first play, plus the runaway let through before
    // it was noticed (at most 0.5 s; later under load, as above), less the returning audio
    // ignored until it was seen to be paced (at most a 0.5 s window; the plays start with
    // 0.5 s of silence).
    let shift = got[want.len()].0 - want[0].0 - seconds;
    assert!(
        (-0.6..=1.0).contains(&shift),
        "the runaway moved the clock {shift} s"
    );
    // Within two frames: the VAD state and the resampler phase carry over the gap.
    assert_same_words(
        &got[want.len()..],
        &want,
        -(seconds + shift),
        2.0 * FRAME_S,
        "after it",
    );
}

/// Item 5: an engine slowed on purpose (1.3 s per word, words ~1 s apart) while the device
/// keeps delivering: the ring (2 s) overflows, the drops are counted, the callback never
/// waits, and after a pause the engine has caught up: the last words come through whole,
/// behind `run`'s clock by no more than the dropped audio.
#[test]
fn a_slow_engine_counts_what_it_drops_and_catches_up() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let mono = [speech(12.4, 0.5, 8.0), speech(2.6, 0.0, 2.0)].concat();
    let frames = stream.frames(&mono);
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&frames, &wav);
    let want = run_spans(&wav);
    let lines = session(
        &dev,
        &["--word-delay-ms".into(), "1300".into()],
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(3500)),
        ],
    );
    let dropped = summary(&lines)["dropped_samples"].as_u64().unwrap();
    assert!(
        dropped > 0,
        "a 1.3 s wait per word must overflow a 2 s ring"
    );
    let got = spans(&lines);
    assert!(
        got.len() >= 2 && got.len() <= want.len(),
        "{got:?} vs {want:?}"
    );
    // The last two words came through whole: their lengths and the gap between them are
    // run's (the drops before them only moved the clock).
    let (g, w) = (&got[got.len() - 2..], &want[want.len() - 2..]);
    let shape = |s: &[(f64, f64)]| [s[0].1 - s[0].0, s[1].0 - s[0].0, s[1].1 - s[1].0];
    for (a, b) in shape(g).iter().zip(shape(w)) {
        assert!(
            (a - b).abs() <= 2.0 * FRAME_S,
            "after catching up: {g:?} vs run's {w:?}"
        );
    }
    // The clock is behind run's by at most what was dropped.
    let behind = w[1].0 - g[1].0;
    let lost = dropped as f64 / 48_000.0;
    assert!(
        behind > 0.0 && behind <= lost + FRAME_S,
        "{behind} s behind, {lost} s dropped"
    );
}

/// Item 1 through the real capture path: NaN, infinities and huge values from the device
/// are repaired (and counted, one per frame) where they enter the engine; the session goes
/// on and finds the words `run` finds in the same file.
#[test]
fn wild_samples_from_the_device_are_repaired_and_the_session_goes_on() {
    let Some(dev) = device() else { return };
    let stream = default_stream();
    let mut frames = stream.frames(&speech(4.8, 0.5, 1.5));
    // 100 frames each of NaN, +inf, -inf and 1e30 in the leading silence.
    let wild = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30];
    for (k, &x) in wild.iter().enumerate() {
        for f in 0..100 {
            let i = 2 * (1000 + 2000 * k + 3 * f);
            frames[i] = x;
            frames[i + 1] = x;
        }
    }
    // `run` refuses a file with non-finite samples: it reads them as the driver repairs them.
    let repaired: Vec<f32> = frames
        .iter()
        .map(|&x| {
            if x.is_finite() {
                x.clamp(-4.0, 4.0)
            } else {
                0.0
            }
        })
        .collect();
    let wav = dev.fifo.with_extension("wav");
    stream.write_wav(&repaired, &wav);
    let want = run_spans(&wav);
    let lines = session(
        &dev,
        &[],
        stream.byte_rate(),
        vec![
            Step::Play(stream.format.raw(&frames)),
            Step::Hold(Duration::from_millis(300)),
        ],
    );
    assert_eq!(summary(&lines)["repaired_samples"], 400);
    assert!(want.len() >= 3, "{want:?}");
    assert_same_words(&spans(&lines), &want, 0.0, FRAME_S, "with wild samples");
}
