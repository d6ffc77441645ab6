//! The microphone callback's core never allocates: a counting global allocator watches
//! many callbacks in every device format, with room in the ring and with a full ring.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use groundprobe::audio::mic::MonoMixer;
use groundprobe::audio::ring::{Popped, ring};

/// Counts allocations made by the current thread (other test threads do not interfere).
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

#[test]
fn callbacks_allocate_nothing_with_room_or_with_a_full_ring() {
    // Buffers a host would hand over: 10 ms stereo at 48 kHz in each format.
    let f32s: Vec<f32> = (0..960).map(|i| ((i as f32) * 0.01).sin() * 0.5).collect();
    let i16s: Vec<i16> = f32s.iter().map(|x| (x * 32767.0) as i16).collect();
    let u16s: Vec<u16> = i16s
        .iter()
        .map(|&x| (i32::from(x) + 32768) as u16)
        .collect();
    let i32s: Vec<i32> = f32s.iter().map(|x| (x * 2.0e9) as i32).collect();

    // A ring the reader drains between callbacks: nothing dropped.
    let (mut w, mut r) = ring(48_000);
    let mut mixer = MonoMixer::new(2);
    let mut out = vec![0.0f32; 48_000];
    let n = allocations_during(|| {
        for _ in 0..2_000 {
            mixer.mix_and_push(&f32s, &mut w);
            mixer.mix_and_push(&i16s, &mut w);
            mixer.mix_and_push(&u16s, &mut w);
            mixer.mix_and_push(&i32s, &mut w);
            while let Popped::Samples(_) = r.pop(&mut out) {}
        }
    });
    assert_eq!(n, 0, "allocations in 8,000 callbacks with room in the ring");
    assert_eq!(r.dropped(), 0);

    // A ring nobody reads: it fills, and every later sample is dropped and counted.
    let (mut w, r) = ring(4_096);
    let mut mixer = MonoMixer::new(2);
    let mut refused = 0;
    let n = allocations_during(|| {
        for _ in 0..5_000 {
            refused += mixer.mix_and_push(&i16s, &mut w);
            refused += mixer.mix_and_push(&f32s, &mut w);
        }
    });
    assert_eq!(n, 0, "allocations in 10,000 callbacks with a full ring");
    let pushed = 10_000 * 480;
    assert_eq!(r.dropped() as usize, pushed - 4_096);
    assert_eq!(refused, pushed - 4_096);
}

#[test]
fn frames_are_mixed_to_mono_in_full_scale_floats() {
    let (mut w, mut r) = ring(64);
    let mut stereo = MonoMixer::new(2);
    stereo.mix_and_push(&[16_384i16, 0, -32_768, -32_768], &mut w);
    let mut mono = MonoMixer::new(1);
    mono.mix_and_push(&[32_768u16, 0, 65_535], &mut w);
    mono.mix_and_push(&[f32::NAN, 0.25, f32::INFINITY], &mut w);
    // A trailing half frame is ignored.
    stereo.mix_and_push(&[1.0f32, 1.0, 1.0], &mut w);
    let mut buf = [0.0f32; 16];
    let Popped::Samples(n) = r.pop(&mut buf) else {
        panic!("nothing pushed")
    };
    let want = [
        0.25,
        -1.0,
        0.0,
        -1.0,
        65_535.0 / 32_768.0 - 1.0,
        f32::NAN,
        0.25,
        f32::INFINITY,
        1.0,
    ];
    assert_eq!(n, want.len());
    // Non-finite samples pass through: the driver repairs and counts them (engine_seams).
    for (got, want) in buf[..n].iter().zip(want) {
        let same = (got.is_nan() && want.is_nan()) || got == &want || (got - want).abs() < 1e-6;
        assert!(same, "{got} vs {want}");
    }
    assert_eq!(MonoMixer::new(0).channels(), 1);
}
