/* inflate.js — the zlib stream (RFC 1950, DEFLATE inside: RFC 1951) that
 * chatcap --html writes for a large capture, inflated here, at once: the
 * page is drawn before the browser's load event (a headless screenshot, a
 * printout) and needs no browser feature beyond JavaScript itself. The
 * decoder reads Huffman codes a bit at a time, as zlib's puff.c does:
 * short and plain rather than fast (a few megabytes take well under a
 * second). */
"use strict";

const INF_LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
  67, 83, 99, 115, 131, 163, 195, 227, 258];
const INF_LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
  5, 5, 5, 5, 0];
const INF_DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
  769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const INF_DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
  11, 11, 12, 12, 13, 13];
const INF_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/* A canonical Huffman code from code lengths lens[off..off+n): how many
 * codes of each length, and the symbols in code order. */
function infHuffman(lens, off, n) {
  const count = new Uint16Array(16), offs = new Uint16Array(16), sym = new Uint16Array(n);
  for (let i = 0; i < n; i++) count[lens[off + i]]++;
  count[0] = 0;
  for (let l = 1; l < 15; l++) offs[l + 1] = offs[l] + count[l];
  for (let i = 0; i < n; i++) if (lens[off + i]) sym[offs[lens[off + i]]++] = i;
  return { count: count, sym: sym };
}

/* The bytes of the zlib stream src (a Uint8Array). Throws on bad data. */
function inflateZlib(src) {
  if (src.length < 2 || (src[0] & 15) !== 8 || ((src[0] << 8) | src[1]) % 31 !== 0 || (src[1] & 32))
    throw new Error("not a zlib stream");
  let pos = 2, bitbuf = 0, bitcnt = 0, n = 0, out = new Uint8Array(src.length * 8 + 1024);

  const bits = k => {
    while (bitcnt < k) {
      if (pos >= src.length) throw new Error("deflate data cut short");
      bitbuf |= src[pos++] << bitcnt;
      bitcnt += 8;
    }
    const v = bitbuf & ((1 << k) - 1);
    bitbuf >>>= k;
    bitcnt -= k;
    return v;
  };
  const room = k => {
    if (n + k <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, n + k));
    bigger.set(out.subarray(0, n));
    out = bigger;
  };
  const decode = h => {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const c = h.count[len];
      if (code - c < first) return h.sym[index + (code - first)];
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    throw new Error("bad Huffman code");
  };
  const codes = (lc, dc) => {
    for (;;) {
      let s = decode(lc);
      if (s < 256) { room(1); out[n++] = s; continue; }
      if (s === 256) return;
      s -= 257;
      if (s >= 29) throw new Error("bad length code");
      const len = INF_LBASE[s] + bits(INF_LEXT[s]);
      const d = decode(dc);
      if (d >= 30) throw new Error("bad distance code");
      const dist = INF_DBASE[d] + bits(INF_DEXT[d]);
      if (dist > n) throw new Error("distance too far back");
      room(len);
      for (let i = 0; i < len; i++, n++) out[n] = out[n - dist];
    }
  };
  const stored = () => {
    bitbuf = 0;
    bitcnt = 0;
    if (pos + 4 > src.length) throw new Error("deflate data cut short");
    const len = src[pos] | (src[pos + 1] << 8);
    if ((len ^ 0xffff) !== (src[pos + 2] | (src[pos + 3] << 8))) throw new Error("bad stored block");
    pos += 4;
    if (pos + len > src.length) throw new Error("deflate data cut short");
    room(len);
    out.set(src.subarray(pos, pos + len), n);
    n += len;
    pos += len;
  };
  const dynamic = () => {
    const nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
    const cl = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) cl[INF_ORDER[i]] = bits(3);
    const clc = infHuffman(cl, 0, 19), lens = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist;) {
      const sym = decode(clc);
      if (sym < 16) { lens[i++] = sym; continue; }
      let len = 0, rep;
      if (sym === 16) {
        if (i === 0) throw new Error("repeat with nothing before");
        len = lens[i - 1];
        rep = 3 + bits(2);
      } else {
        rep = sym === 17 ? 3 + bits(3) : 11 + bits(7);
      }
      if (i + rep > nlen + ndist) throw new Error("too many code lengths");
      while (rep--) lens[i++] = len;
    }
    codes(infHuffman(lens, 0, nlen), infHuffman(lens, nlen, ndist));
  };
  const fixed = () => {
    const lens = new Uint8Array(288 + 30);
    lens.fill(8, 0, 144); lens.fill(9, 144, 256); lens.fill(7, 256, 280); lens.fill(8, 280, 288);
    lens.fill(5, 288);
    codes(infHuffman(lens, 0, 288), infHuffman(lens, 288, 30));
  };

  let last;
  do {
    last = bits(1);
    const type = bits(2);
    if (type === 0) stored();
    else if (type === 1) fixed();
    else if (type === 2) dynamic();
    else throw new Error("bad block type");
  } while (!last);
  return out.subarray(0, n);
}
