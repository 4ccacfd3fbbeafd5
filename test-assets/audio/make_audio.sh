#!/bin/sh
# Regenerates the speech test WAVs, the format-interop WAV/FLAC files and the bad audio inputs.
# Needs: espeak-ng, sox, flac, python3 with numpy (Debian: apt-get install espeak-ng sox flac python3-numpy).
# Deterministic: fixed texts, voices and random seeds. See SOURCES.md and ../bad/AUDIO.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bad="$here/../bad"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$here/formats" "$bad"

# --- 1. speech from espeak-ng (22050 Hz mono), resampled by sox's very-high-quality rate effect
say() { # voice, speed, pitch, text, out
    espeak-ng -v "$1" -s "$2" -p "$3" -w "$work/raw.wav" "$4"
    sox "$work/raw.wav" -b 32 -e floating-point "$5" norm -6
}
say en-us+m3 160 45 "The quick brown fox jumps over the lazy dog, then rests by the river." "$work/a.wav"
say en-gb+f3 165 60 "Please call Stella and ask her to bring these things with her from the store." "$work/b.wav"
say en-us+m1 170 35 "Six spoons of fresh snow peas, five thick slabs of blue cheese." "$work/c.wav"
say en-gb+f2 175 70 "We also need a small plastic snake and a big toy frog for the kids." "$work/d.wav"
say en-us+m7 170 50 "She can scoop these things into three red bags, and we will go meet her." "$work/e.wav"
say en-gb-x-rp+m2 160 40 "Wednesday at the train station, everyone waited for the late evening bus." "$work/f.wav"
for r in 16000 48000; do
    for s in a b c d e f; do
        sox "$work/$s.wav" -r $r "$work/${s}_$r.wav" rate -v -s
    done
done

# --- 2. noise, reverberation and mixing (numpy, fixed seeds)
python3 - "$work" "$here" <<'PY'
import sys, wave
import numpy as np
work, out = sys.argv[1], sys.argv[2]

def load(path):
    # sox wrote 32-bit float WAV: parse the data chunk
    b = open(path, 'rb').read()
    i = 12
    while i < len(b):
        cid, size = b[i:i+4], int.from_bytes(b[i+4:i+8], 'little')
        if cid == b'data':
            return np.frombuffer(b[i+8:i+8+size], dtype='<f4').astype(np.float64)
        i += 8 + size + (size & 1)
    raise ValueError(path)

def save(path, x, rate):
    x = np.atleast_2d(x)
    q = np.clip(np.round(x * 32768.0), -32768, 32767).astype('<i2')
    with wave.open(path, 'wb') as w:
        w.setnchannels(q.shape[0]); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(q.T.tobytes())

def fit(x, n):
    return np.pad(x, (0, max(0, n - len(x))))[:n]

def pink(n, rng):
    # 1/f power spectrum by shaping white Gaussian noise in the frequency domain
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec)); f[0] = 1
    return np.fft.irfft(spec / np.sqrt(f), n)

def babble(rate, n, rng):
    # six talkers, each looped and shifted by a random offset, summed
    y = np.zeros(n)
    for s in 'abcdef':
        v = load(f'{work}/{s}_{rate}.wav')
        v = np.tile(v, n // len(v) + 2)
        o = rng.integers(0, len(v) - n)
        y += v[o:o+n]
    return y

def rir(rate, rt60, rng):
    # exponentially decaying Gaussian tail (-60 dB after rt60) starting 5 ms after the direct path at t = 0,
    # scaled to the direct path's energy (direct-to-reverberant ratio 0 dB)
    n = int(rt60 * rate)
    t = np.arange(n) / rate
    h = rng.standard_normal(n) * np.exp(-6.9078 * t / rt60)
    h[:int(0.005 * rate)] = 0
    h /= np.sqrt(np.sum(h**2))
    h[0] = 1.0
    return h

def mix(clean, noise, snr_db):
    g = np.sqrt(np.sum(clean**2) / (np.sum(noise**2) * 10**(snr_db / 10)))
    return clean + g * noise

def write_pair(name_clean, name_other, clean, other, rate):
    # one common scale keeps clean and degraded sample-aligned and level-matched (other = clean + noise)
    peak = max(np.max(np.abs(clean)), np.max(np.abs(other)))
    k = 0.9 / peak if peak > 0.9 else 1.0
    if name_clean:
        save(f'{out}/{name_clean}', clean * k, rate)
    save(f'{out}/{name_other}', other * k, rate)
    return k

rng = np.random.default_rng(20261122)
# 16 kHz mono: one talker, 3.5 s
r = 16000; n = int(3.5 * r)
clean = fit(load(f'{work}/a_{r}.wav'), n) * 0.5
k = write_pair('speech_clean_16k_mono.wav', 'speech_noisy_pink_16k_mono.wav', clean, mix(clean, pink(n, rng), 5), r)
assert k == 1.0
write_pair(None, 'speech_noisy_white_16k_mono.wav', clean, mix(clean, rng.standard_normal(n), 10), r)
write_pair(None, 'speech_noisy_babble_16k_mono.wav', clean, mix(clean, babble(r, n, rng), 10), r)
write_pair(None, 'speech_reverb_16k_mono.wav', clean, np.convolve(clean, rir(r, 0.5, rng))[:n], r)
# 48 kHz mono and stereo (two talkers), 3 s
r = 48000; n = 3 * r
clean = fit(load(f'{work}/b_{r}.wav'), n) * 0.5
write_pair('speech_clean_48k_mono.wav', 'speech_noisy_pink_48k_mono.wav', clean, mix(clean, pink(n, rng), 5), r)
st = np.stack([clean, fit(load(f'{work}/c_{r}.wav'), n) * 0.5])
noise = np.stack([pink(n, rng), rng.standard_normal(n)])
noisy = np.stack([mix(st[0], noise[0], 5), mix(st[1], noise[1], 10)])
write_pair('speech_clean_48k_stereo.wav', 'speech_noisy_48k_stereo.wav', st, noisy, r)
PY

# --- 3. format interop files written by sox (and flac): a 1 kHz sine at -6 dBFS, 0.05 s
f="$here/formats"
gen() { sox -R -n -D "$@" synth 0.05 sine 1000 vol 0.5; }
gen -r 8000 -c 1 -b 8 -e unsigned-integer "$f/pcm_u8_8k_mono.wav"
gen -r 16000 -c 2 -b 16 "$f/pcm16_16k_stereo.wav"
gen -r 44100 -c 1 -b 24 "$f/pcm24_44k_mono.wav"
gen -r 48000 -c 1 -b 32 "$f/pcm32_48k_mono.wav"
gen -r 22050 -c 1 -b 32 -e floating-point "$f/float32_22k_mono.wav"
gen -r 96000 -c 2 -b 64 -e floating-point "$f/float64_96k_stereo.wav"
gen -r 48000 -c 6 -b 24 "$f/pcm24_48k_6ch_extensible.wav"
gen -r 8000 -c 1 -e mu-law "$f/mulaw_8k_mono.wav"
gen -r 8000 -c 1 -e a-law "$f/alaw_8k_mono.wav"
gen -r 44100 -c 2 -b 16 "$f/flac16_44k_stereo.flac"
gen -r 48000 -c 1 -b 24 "$f/flac24_48k_mono.flac"
cp "$f/flac16_44k_stereo.flac" "$f/flac_named_as.wav"
# sox's own decoding of each, as raw little-endian float32 interleaved, for the interop test
mkdir -p "$f/decoded"
for x in "$f"/*.wav "$f"/*.flac; do
    b=$(basename "$x")
    case "$b" in flac_named_as.wav) t="-t flac" ;; *) t="" ;; esac
    sox $t "$x" -t f32 "$f/decoded/$b.f32"
done

# --- 4. bad inputs (see ../bad/AUDIO.md)
sox -D -R -n -r 16000 -c 1 -b 16 "$work/ok.wav" synth 0.5 sine 440 vol 0.5
head -c 4000 "$work/ok.wav" > "$bad/audio_truncated.wav"
: > "$bad/audio_empty.wav"
printf 'This is a text file, not a WAV.\n' > "$bad/audio_text.wav"
sox -D -R -n -r 16000 -c 1 -e ima-adpcm "$bad/audio_ima_adpcm.wav" synth 0.2 sine 440
sox -D -R -n -r 16000 -c 1 -e ms-adpcm "$bad/audio_ms_adpcm.wav" synth 0.2 sine 440
python3 - "$work/ok.wav" "$bad" <<'PY'
import sys, struct, zlib
import numpy as np
ok, bad = sys.argv[1], sys.argv[2]
b = bytearray(open(ok, 'rb').read())
# a header declaring ~2 GiB of audio in a 16 kB file
d = b.find(b'data')
huge = bytearray(b); huge[d+4:d+8] = struct.pack('<I', 0x7FFFFFF0); huge[4:8] = struct.pack('<I', 0x7FFFFFF8)
open(f'{bad}/audio_huge_header.wav', 'wb').write(bytes(huge))
# 32-bit float WAV with NaN and +Inf samples
x = (0.5 * np.sin(2 * np.pi * 440 * np.arange(1600) / 16000)).astype('<f4')
x[100] = np.nan; x[200] = np.inf
data = x.tobytes()
fmt = struct.pack('<HHIIHHH', 3, 1, 16000, 64000, 4, 32, 0)
fact = struct.pack('<I', len(x))
riff = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'fact' + struct.pack('<I', 4) + fact \
       + b'data' + struct.pack('<I', len(data)) + data
open(f'{bad}/audio_nan_float.wav', 'wb').write(b'RIFF' + struct.pack('<I', len(riff)) + riff)
# a real 8x8 grey PNG named .wav
raw = b''.join(b'\x00' + bytes([128] * 8) for _ in range(8))
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 0, 0, 0, 0)) \
      + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(f'{bad}/audio_really_png.wav', 'wb').write(png)
PY
echo "done: $(du -sh "$here" | cut -f1) in $here"
