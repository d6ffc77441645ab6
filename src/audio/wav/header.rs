//! The RIFF/WAVE header: what the file is (sniffed from its first bytes when it is not a
//! WAV file at all), its `fmt ` chunk, and where its `data` chunk starts.
//!
//! Every refusal is one sentence saying what the file is and, for a format the reader
//! does not decode, how to convert it.

use std::io::{self, Read};

/// How to turn anything ffmpeg or sox can read into a WAV file this reader takes.
pub const CONVERT_HINT: &str = "convert it with `ffmpeg -i IN -ar 16000 -ac 1 -c:a pcm_s16le OUT.wav` \
     or `sox IN -b 16 -e signed-integer OUT.wav`";

/// Largest `fmt ` chunk read (real ones are 16, 18 or 40 bytes).
const MAX_FMT_LEN: u32 = 1024;

/// How samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// Integer PCM in a container of `bytes` (1 = unsigned 8-bit, 2, 3 or 4 = signed).
    Int {
        /// Bytes per sample.
        bytes: u16,
    },
    /// IEEE 32-bit float.
    Float32,
}

/// What the header says about the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavInfo {
    /// Native sample rate in Hz.
    pub sample_rate: u32,
    /// Interleaved channels (mixed to mono on reading).
    pub channels: u16,
    /// Sample storage.
    pub format: SampleFormat,
    /// Frames in the data chunk, when its length is known (not for a piped stream).
    pub frames: Option<u64>,
}

impl WavInfo {
    /// Bytes per interleaved frame.
    pub fn block_align(&self) -> usize {
        let bytes = match self.format {
            SampleFormat::Int { bytes } => bytes as usize,
            SampleFormat::Float32 => 4,
        };
        bytes * self.channels as usize
    }

    /// Duration in seconds, when the frame count is known.
    pub fn seconds(&self) -> Option<f64> {
        self.frames.map(|f| f as f64 / self.sample_rate as f64)
    }
}

/// A header problem: the sentence to show, after the file's name.
pub type Refusal = String;

/// Why a header was not read.
#[derive(Debug)]
pub enum HeaderError {
    /// The file is not a WAV this reader decodes; the sentence says what it is.
    Refused(Refusal),
    /// Reading failed for another reason than the end of the file.
    Io(io::Error),
}

impl From<io::Error> for HeaderError {
    fn from(e: io::Error) -> Self {
        HeaderError::Io(e)
    }
}

impl From<Refusal> for HeaderError {
    fn from(s: Refusal) -> Self {
        HeaderError::Refused(s)
    }
}

/// Reads up to the start of the `data` chunk. `streaming` readers (stdin) may declare a
/// data length of 0 or `u32::MAX`: the data then runs to the end of the stream.
///
/// # Errors
/// [`HeaderError::Refused`] for a file that is not a WAV this reader decodes,
/// [`HeaderError::Io`] when reading fails.
pub fn read_header<R: Read>(r: &mut R, streaming: bool) -> Result<WavInfo, HeaderError> {
    let mut head = [0u8; 12];
    let got = read_full(r, &mut head)?;
    if let Some(what) = sniff(&head[..got]) {
        return Err(HeaderError::Refused(what));
    }
    if got < 12 {
        return Err(HeaderError::Refused(format!(
            "truncated: {got} bytes, shorter than a RIFF/WAVE header"
        )));
    }
    let mut fmt: Option<Fmt> = None;
    loop {
        let mut chunk = [0u8; 8];
        let got = read_full(r, &mut chunk)?;
        if got < 8 {
            let what = if fmt.is_none() { "fmt" } else { "data" };
            return Err(HeaderError::Refused(format!(
                "truncated: the file ends before its `{what}` chunk"
            )));
        }
        let len = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        match &chunk[..4] {
            b"fmt " => {
                if len > MAX_FMT_LEN {
                    return Err(HeaderError::Refused(format!(
                        "`fmt ` chunk of {len} bytes is not a WAV format"
                    )));
                }
                let mut body = vec![0u8; len as usize];
                if read_full(r, &mut body)? < body.len() {
                    return Err(HeaderError::Refused(
                        "truncated inside its `fmt ` chunk".into(),
                    ));
                }
                skip(r, u64::from(len % 2))?;
                fmt = Some(Fmt::parse(&body)?);
            }
            b"data" => {
                let Some(fmt) = fmt else {
                    return Err(HeaderError::Refused(
                        "the `data` chunk comes before any `fmt ` chunk".into(),
                    ));
                };
                let info = fmt.info()?;
                let unknown = len == u32::MAX || (streaming && len == 0);
                let frames = (!unknown).then(|| u64::from(len) / info.block_align() as u64);
                return Ok(WavInfo { frames, ..info });
            }
            _ => skip(r, u64::from(len) + u64::from(len % 2))?,
        }
    }
}

/// Names a file that is not RIFF/WAVE from its first bytes.
fn sniff(head: &[u8]) -> Option<Refusal> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let other = |what: &str| Some(format!("this is {what}, not a WAV file; {CONVERT_HINT}"));
    if starts(b"RIFF") {
        return match head.get(8..12) {
            Some(b"WAVE") | None => None,
            Some(kind) => other(&format!(
                "a RIFF `{}` file",
                String::from_utf8_lossy(kind).escape_debug()
            )),
        };
    }
    if starts(b"fLaC") {
        other("FLAC audio")
    } else if starts(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        other("MP3 (MPEG audio)")
    } else if starts(b"OggS") {
        other("Ogg (Vorbis/Opus) audio")
    } else if starts(b"RF64") || starts(b"BW64") {
        other("a 64-bit RF64 WAV file, which this reader does not decode")
    } else if starts(b"RIFX") {
        other("a big-endian RIFX WAV file, which this reader does not decode")
    } else if starts(b"FORM") {
        other("AIFF audio")
    } else if head.get(4..8) == Some(b"ftyp") {
        other("MP4/M4A audio")
    } else if head.is_empty() {
        Some("the file is empty".into())
    } else {
        let shown: String = head
            .iter()
            .take(4)
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        Some(format!(
            "not a WAV file: it starts with `{shown}`, not `RIFF…WAVE`; {CONVERT_HINT}"
        ))
    }
}

/// The fields of a `fmt ` chunk this reader uses.
struct Fmt {
    tag: u16,
    channels: u16,
    sample_rate: u32,
    block_align: u16,
    bits: u16,
}

impl Fmt {
    fn parse(b: &[u8]) -> Result<Self, Refusal> {
        if b.len() < 16 {
            return Err(format!("`fmt ` chunk of {} bytes is too short", b.len()));
        }
        let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let mut tag = u16_at(0);
        if tag == 0xFFFE {
            // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID at byte 24.
            if b.len() < 40 {
                return Err("extensible `fmt ` chunk is shorter than 40 bytes".into());
            }
            tag = u16_at(24);
        }
        Ok(Self {
            tag,
            channels: u16_at(2),
            sample_rate: u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            block_align: u16_at(12),
            bits: u16_at(14),
        })
    }

    fn info(&self) -> Result<WavInfo, Refusal> {
        let format = match (self.tag, self.bits) {
            (1, 8 | 16 | 24 | 32) => SampleFormat::Int {
                bytes: self.bits / 8,
            },
            (3, 32) => SampleFormat::Float32,
            (3, 64) => return Err(unsupported("64-bit float PCM")),
            (1 | 3, bits) => return Err(format!("{bits}-bit samples are not a WAV sample size")),
            (tag, _) => return Err(unsupported(&codec_name(tag))),
        };
        if self.channels == 0 {
            return Err("the header declares zero channels".into());
        }
        if !super::RATE_RANGE.contains(&self.sample_rate) {
            return Err(format!(
                "sample rate {} Hz is outside the supported {}..={} Hz",
                self.sample_rate,
                super::RATE_RANGE.start(),
                super::RATE_RANGE.end()
            ));
        }
        let info = WavInfo {
            sample_rate: self.sample_rate,
            channels: self.channels,
            format,
            frames: None,
        };
        if info.block_align() != self.block_align as usize {
            return Err(format!(
                "block align {} does not match {} channels of {}-bit samples",
                self.block_align, self.channels, self.bits
            ));
        }
        Ok(info)
    }
}

fn unsupported(what: &str) -> Refusal {
    format!("this WAV file holds {what}, which this reader does not decode; {CONVERT_HINT}")
}

fn codec_name(tag: u16) -> String {
    match tag {
        2 => "Microsoft ADPCM".into(),
        6 => "A-law (G.711)".into(),
        7 => "µ-law (G.711)".into(),
        0x11 => "IMA ADPCM".into(),
        0x31 => "GSM 6.10".into(),
        0x50 | 0x55 => "MPEG audio (MP3)".into(),
        0xFF | 0x1610 => "AAC".into(),
        tag => format!("format tag 0x{tag:04x} (not PCM)"),
    }
}

/// Reads until `buf` is full or the stream ends; the number of bytes read.
pub fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn skip<R: Read>(r: &mut R, n: u64) -> io::Result<()> {
    io::copy(&mut r.by_ref().take(n), &mut io::sink()).map(|_| ())
}
