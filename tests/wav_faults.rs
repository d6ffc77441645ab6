//! The streaming WAV reader: every sample format it decodes gives the right values, in
//! any chunking, from a file or a pipe; everything else is refused in one line that names
//! the file once, says what the file is and how to convert it.

use std::io::Cursor;
use std::path::Path;

use groundprobe::audio::wav::{self, SampleFormat, WavStream};

/// A RIFF/WAVE file with one `fmt ` chunk of 16 bytes and a `data` chunk of `data`
/// (its declared length `data_len`, normally `data.len()`).
fn wav_bytes(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8], data_len: u32) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    b.extend_from_slice(&block.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.extend_from_slice(data);
    b
}

/// Writes `bytes` as `name` in a temporary folder and returns the error of reading it.
fn refusal(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let err = wav::read(&path).unwrap_err().to_string();
    assert_eq!(err.matches(name).count(), 1, "names the file once: {err}");
    assert!(!err.contains('\n'), "one line: {err}");
    err
}

#[test]
fn g711_float64_and_other_codecs_are_named_with_a_conversion() {
    let mulaw = refusal("mulaw.wav", &wav_bytes(7, 1, 8000, 8, &[0xFF; 800], 800));
    assert!(
        mulaw.contains("µ-law") && mulaw.contains("ffmpeg") && mulaw.contains("sox"),
        "{mulaw}"
    );
    let alaw = refusal("alaw.wav", &wav_bytes(6, 1, 8000, 8, &[0xD5; 800], 800));
    assert!(
        alaw.contains("A-law") && alaw.contains("pcm_s16le"),
        "{alaw}"
    );
    let f64 = refusal("double.wav", &wav_bytes(3, 1, 16000, 64, &[0; 800], 800));
    assert!(
        f64.contains("64-bit float") && f64.contains("ffmpeg"),
        "{f64}"
    );
    let adpcm = refusal("adpcm.wav", &wav_bytes(0x11, 1, 16000, 4, &[0; 800], 800));
    assert!(adpcm.contains("IMA ADPCM"), "{adpcm}");
}

#[test]
fn other_formats_named_wav_are_recognised() {
    let flac = refusal("song.wav", b"fLaC\0\0\0\x22rest of a FLAC stream");
    assert!(flac.contains("FLAC") && flac.contains("ffmpeg"), "{flac}");
    let mp3 = refusal("talk.wav", b"ID3\x04\0\0\0\0\0\x21rest of an MP3");
    assert!(mp3.contains("MP3"), "{mp3}");
    let raw_mp3 = refusal(
        "frames.wav",
        &[0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert!(raw_mp3.contains("MP3"), "{raw_mp3}");
    let ogg = refusal("voice.wav", b"OggS\0\x02\0\0\0\0\0\0\0\0");
    assert!(ogg.contains("Ogg"), "{ogg}");
    let text = refusal("notes.wav", b"this is not audio");
    assert!(text.contains("starts with `this`"), "{text}");
    let empty = refusal("empty.wav", b"");
    assert!(empty.contains("empty"), "{empty}");
}

#[test]
fn broken_headers_say_what_is_wrong() {
    let good = wav_bytes(1, 1, 16000, 16, &[0; 320], 320);
    let short = refusal("short.wav", &good[..30]);
    assert!(short.contains("truncated"), "{short}");
    let zero_ch = refusal("zero.wav", &wav_bytes(1, 0, 16000, 16, &[0; 32], 32));
    assert!(
        zero_ch.contains("zero channels") || zero_ch.contains("block align"),
        "{zero_ch}"
    );
    let rate = refusal("rate.wav", &wav_bytes(1, 1, 1000, 16, &[0; 32], 32));
    assert!(rate.contains("1000 Hz"), "{rate}");
    let no_data = refusal("nodata.wav", &good[..36]);
    assert!(no_data.contains("before its `data` chunk"), "{no_data}");
    let nothing = refusal("silent.wav", &wav_bytes(1, 1, 16000, 16, &[], 0));
    assert!(nothing.contains("no samples"), "{nothing}");
}

#[test]
fn non_finite_samples_are_refused_with_their_position() {
    let mut data = Vec::new();
    for i in 0..1600u32 {
        let v = if i == 800 { f32::NAN } else { 0.1 };
        data.extend_from_slice(&v.to_le_bytes());
    }
    let err = refusal(
        "nan.wav",
        &wav_bytes(3, 1, 16000, 32, &data, data.len() as u32),
    );
    assert!(
        err.contains("sample 800") && err.contains("0.050 s") && err.contains("NaN"),
        "{err}"
    );
}

#[test]
fn every_pcm_width_decodes_to_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let wave: Vec<f64> = (0..400).map(|i| (i as f64 * 0.05).sin() * 0.5).collect();
    for (bits, format) in [
        (8, hound::SampleFormat::Int),
        (16, hound::SampleFormat::Int),
        (24, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Int),
        (32, hound::SampleFormat::Float),
    ] {
        let path = dir.path().join(format!("w{bits}{format:?}.wav"));
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 22_050,
            bits_per_sample: bits,
            sample_format: format,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        let full = f64::from((1u32 << (bits - 1)) - 1);
        for &s in &wave {
            // Left is the wave, right its negation plus 0.2: the mono mix is 0.1.
            for v in [s, -s + 0.2] {
                match format {
                    hound::SampleFormat::Float => w.write_sample(v as f32).unwrap(),
                    _ if bits == 8 => w.write_sample((v * full).round() as i8).unwrap(),
                    _ => w.write_sample((v * full).round() as i32).unwrap(),
                }
            }
        }
        w.finalize().unwrap();
        let clip = wav::read(&path).unwrap();
        assert_eq!(clip.sample_rate, 22_050);
        assert_eq!(clip.samples.len(), wave.len());
        let tol = (2.0 / full as f32).max(1e-6); // quantisation, or f32 rounding
        assert!(
            clip.samples.iter().all(|&m| (m - 0.1).abs() <= tol),
            "{bits}-bit {format:?}"
        );
        let info = *WavStream::open(&path).unwrap().info();
        assert_eq!(info.frames, Some(wave.len() as u64));
        assert_eq!(info.channels, 2);
        let want = match format {
            hound::SampleFormat::Float => SampleFormat::Float32,
            _ => SampleFormat::Int { bytes: bits / 8 },
        };
        assert_eq!(info.format, want);
    }
}

#[test]
fn chunks_of_any_size_add_up_to_the_whole_file() {
    let samples: Vec<i16> = (0..10_000)
        .map(|i| ((i * 37) % 2000 - 1000) as i16)
        .collect();
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let bytes = wav_bytes(1, 1, 16000, 16, &data, data.len() as u32);
    let whole = WavStream::from_reader(Path::new("x.wav"), Cursor::new(bytes.clone()), false)
        .unwrap()
        .into_clip()
        .unwrap()
        .samples;
    assert_eq!(whole.len(), samples.len());
    assert_eq!(whole[1], f32::from(samples[1]) / 32768.0);
    for chunk in [1, 7, 512, 4096, 1 << 20] {
        let mut wav =
            WavStream::from_reader(Path::new("x.wav"), Cursor::new(bytes.clone()), false).unwrap();
        let (mut all, mut out) = (Vec::new(), Vec::new());
        loop {
            let n = wav.read(&mut out, chunk).unwrap();
            assert!(n <= chunk && out.len() == n);
            if n == 0 {
                break;
            }
            all.append(&mut out);
        }
        assert_eq!(all, whole, "chunk {chunk}");
        assert_eq!(wav.frames_read(), samples.len() as u64);
    }
}

#[test]
fn a_pipe_may_leave_the_data_length_open() {
    let data: Vec<u8> = (0..3000i16).flat_map(|s| s.to_le_bytes()).collect();
    for declared in [u32::MAX, 0] {
        // What an encoder writing to a pipe leaves in the header; an odd byte at the end
        // (a cut pipe) is dropped.
        let mut bytes = wav_bytes(1, 1, 16000, 16, &data, declared);
        bytes.push(7);
        let wav = WavStream::from_reader(Path::new("-"), Cursor::new(bytes), true).unwrap();
        assert_eq!(wav.info().frames, None);
        let clip = wav.into_clip().unwrap();
        assert_eq!(clip.samples.len(), 3000);
        assert_eq!(clip.samples[2999], 2999.0 / 32768.0);
    }
    // A file (not a pipe) declaring 0 bytes of data holds nothing.
    let bytes = wav_bytes(1, 1, 16000, 16, &data, 0);
    let err = WavStream::from_reader(Path::new("f.wav"), Cursor::new(bytes), false)
        .unwrap()
        .into_clip()
        .unwrap_err();
    assert!(err.to_string().contains("no samples"), "{err}");
}

#[test]
fn a_truncated_data_chunk_gives_its_audio_then_says_so() {
    let data = vec![0u8; 2000];
    let bytes = wav_bytes(1, 1, 16000, 16, &data, 4000);
    let mut wav = WavStream::from_reader(Path::new("cut.wav"), Cursor::new(bytes), false).unwrap();
    let mut out = Vec::new();
    assert_eq!(wav.read(&mut out, 5000).unwrap(), 1000);
    let err = wav.read(&mut out, 5000).unwrap_err().to_string();
    assert!(
        err.contains("cut.wav")
            && err.contains("declares 2000 frames")
            && err.contains("after 1000"),
        "{err}"
    );
}

#[test]
fn full_scale_samples_are_counted_as_clipped() {
    let data: Vec<u8> = [i16::MAX, 0, i16::MIN, 100]
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let bytes = wav_bytes(1, 1, 16000, 16, &data, data.len() as u32);
    let clip = WavStream::from_reader(Path::new("c.wav"), Cursor::new(bytes), false)
        .unwrap()
        .into_clip()
        .unwrap();
    assert_eq!(clip.clipped, 2);
    assert_eq!(clip.samples[2], -1.0);
}

#[test]
fn extensible_headers_and_extra_chunks_are_read() {
    // WAVE_FORMAT_EXTENSIBLE (40-byte fmt, PCM sub-format) with a LIST chunk of odd length
    // before the data: both occur in files from ordinary recorders.
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF\0\0\0\0WAVEfmt ");
    b.extend_from_slice(&40u32.to_le_bytes());
    for v in [0xFFFEu16, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&48_000u32.to_le_bytes());
    b.extend_from_slice(&(48_000u32 * 2).to_le_bytes());
    for v in [2u16, 16, 22, 16] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&[
        1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71,
    ]);
    b.extend_from_slice(b"LIST");
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(b"abc\0");
    b.extend_from_slice(b"data");
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&[0x00, 0x40, 0x00, 0xC0]);
    let clip = WavStream::from_reader(Path::new("ext.wav"), Cursor::new(b), false)
        .unwrap()
        .into_clip()
        .unwrap();
    assert_eq!(clip.sample_rate, 48_000);
    assert_eq!(clip.samples, vec![0.5, -0.5]);
}

/// A WAV stream generated on the fly: a header declaring `frames` stereo 16-bit frames at
/// 48 kHz, then a sawtooth, never held in memory.
struct Generated {
    header: Vec<u8>,
    pos: u64,
    len: u64,
}

impl Generated {
    fn new(frames: u32) -> Self {
        let header = wav_bytes(1, 2, 48_000, 16, &[], frames * 4);
        let len = header.len() as u64 + u64::from(frames) * 4;
        Self {
            header,
            pos: 0,
            len,
        }
    }
}

impl std::io::Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min((self.len - self.pos) as usize);
        for b in &mut buf[..n] {
            let h = self.header.len() as u64;
            *b = if self.pos < h {
                self.header[self.pos as usize]
            } else {
                ((self.pos - h) / 2 % 251) as u8
            };
            self.pos += 1;
        }
        Ok(n)
    }
}

/// Peak resident memory of this process so far, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn half_an_hour_of_48_khz_stereo_streams_in_flat_memory() {
    // 30 minutes is 330 MiB of samples: decoding it whole would raise the peak by that much.
    let frames = 30 * 60 * 48_000;
    let mut wav =
        WavStream::from_reader(Path::new("long.wav"), Generated::new(frames), false).unwrap();
    let before = peak_rss_kib();
    let mut chunk = Vec::with_capacity(4096);
    let mut total = 0u64;
    loop {
        chunk.clear();
        match wav.read(&mut chunk, 4096).unwrap() {
            0 => break,
            n => total += n as u64,
        }
    }
    assert_eq!(total, u64::from(frames));
    assert_eq!(chunk.capacity(), 4096, "the caller's buffer never grew");
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grew_mib = (after.saturating_sub(before)) as f64 / 1024.0;
        assert!(
            grew_mib < 32.0,
            "peak RSS grew by {grew_mib:.1} MiB while streaming"
        );
    }
}
