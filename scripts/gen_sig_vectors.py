#!/usr/bin/env python3
"""Writes tests/unit/sig_vectors.h: ECDSA P-256 (key, digest, signature)
triples for tests/unit/test_sig.c, each one checked by OpenSSL (through
python3-cryptography) before it is written, so the unit test holds the
device's verifier to OpenSSL's verdict.

Besides signatures made the usual way (RFC 6979 nonces, so the file is the
same each run), it builds ones that steer the verifier's double-and-add
ladder into its special cases. For any key Q and any u1, u2 (u2 != 0):
R = u1*G + u2*Q, r = R.x mod n, s = r/u2, e = u1*s make (r, s) a valid
signature of the digest e, and verification then computes exactly
u1*G + u2*Q. With a known private key d, R = (u1 + u2*d)*G, which OpenSSL
computes as the public key of that scalar; without one, R comes from the
plain affine arithmetic below (checked against OpenSSL's d*G first).

Usage: scripts/gen_sig_vectors.py [OUT]   (default tests/unit/sig_vectors.h)
Needs python3-cryptography (OpenSSL 3).
"""
import hashlib
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (Prehashed, decode_dss_signature,
                                                             encode_dss_signature)

P = 2**256 - 2**224 + 2**192 + 2**96 - 1
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
CURVE = ec.SECP256R1()


def seeded(label):
    """A number from a label: the vectors do not change between runs."""
    return int.from_bytes(hashlib.sha256(label.encode()).digest(), "big")


def point_of(d):
    """d*G, by OpenSSL."""
    nums = ec.derive_private_key(d % N, CURVE).public_key().public_numbers()
    return nums.x, nums.y


def public_key(x, y):
    """OpenSSL's key for (x, y); raises ValueError when it is not on the curve."""
    return ec.EllipticCurvePublicNumbers(x, y, CURVE).public_key()


def openssl_verifies(x, y, e, r, s):
    try:
        public_key(x, y).verify(encode_dss_signature(r, s), e.to_bytes(32, "big"),
                                ec.ECDSA(Prehashed(hashes.SHA256())))
        return True
    except InvalidSignature:
        return False


def sign(d, e):
    """OpenSSL's RFC 6979 signature of the 32-byte digest e with key d."""
    key = ec.derive_private_key(d, CURVE)
    der = key.sign(e.to_bytes(32, "big"),
                   ec.ECDSA(Prehashed(hashes.SHA256()), deterministic_signing=True))
    return decode_dss_signature(der)


def ec_add(a, b):
    """a + b, affine, None for infinity (textbook formulas, for the vectors
    whose key has no known private key)."""
    if a is None or b is None:
        return b if a is None else a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = (3 * a[0] * a[0] - 3) * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def ec_mul(k, a):
    r = None
    for bit in bin(k % N)[2:]:
        r = ec_add(r, r)
        if bit == "1":
            r = ec_add(r, a)
    return r


def steer(qx, qy, d, u1, u2):
    """A signature whose verification computes u1*G + u2*Q (module doc).
    d is Q's private key, or None."""
    if d is None:
        rx, _ = ec_add(ec_mul(u1, point_of(1)), ec_mul(u2, (qx, qy)))
    else:
        rx, _ = point_of(u1 + u2 * d)
    r = rx % N
    s = r * pow(u2, -1, N) % N
    e = u1 * s % N
    return e, r, s


def sqrt_mod_p(a):
    """A square root mod p (p = 3 mod 4), or None."""
    y = pow(a, (P + 1) // 4, P)
    return y if y * y % P == a % P else None


def point_at_x(x0):
    """The first point of the curve with x >= x0 (x mod p when x >= p)."""
    x = x0
    while True:
        y = sqrt_mod_p((x**3 - 3 * x + B) % P)
        if y is not None:
            return x, y
        x += 1


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "unit", "sig_vectors.h")
    vectors = []  # (name, comment, qx, qy, e, r, s, valid)

    def add(name, comment, qx, qy, e, r, s, valid=True):
        assert 0 <= e < 2**256 and 0 < r < N and 0 < s < N
        got = openssl_verifies(qx, qy, e, r, s)
        if got != valid:
            sys.exit("gen_sig_vectors: OpenSSL says %s for %s" % (got, name))
        vectors.append((name, comment, qx, qy, e, r, s, valid))

    # Plain signatures of random keys and digests, and digests at the edges
    # of the range: 0, n (reduces to 0), all ones (above n).
    for i in range(6):
        d = seeded("key %d" % i) % N
        e = seeded("digest %d" % i)
        x, y = point_of(d)
        r, s = sign(d, e)
        add("random_%d" % i, "a random key and digest", x, y, e, r, s)
    d = seeded("key edge") % N
    x, y = point_of(d)
    for name, e in (("digest_zero", 0), ("digest_n", N), ("digest_ones", 2**256 - 1)):
        r, s = sign(d, e)
        add(name, "digest %s, taken mod n" % name[7:], x, y, e, r, s)
    # The same signature for e and e + n: the digest is reduced mod n.
    e = seeded("digest small") >> 40
    r, s = sign(d, e)
    add("digest_plus_n", "digest e + n signed as e", x, y, e + N, r, s)
    # ECDSA accepts both s and n - s (no low-s rule).
    r, s = sign(d, seeded("digest high s"))
    add("high_s", "n - s of a valid signature", x, y, seeded("digest high s"), r, N - s)

    # Ladder cases, with u1, u2 chosen. Q = G (d = 1): the table's G + Q is
    # a doubling; top bits u1 = 11, u2 = 01 make the ladder add 2G to 2G.
    rnd = seeded("ladder") >> 2
    gx, gy = point_of(1)
    e, r, s = steer(gx, gy, 1, (3 << 254) | rnd, (1 << 254) | rnd >> 3)
    add("key_g_ladder_double", "Q = G, the ladder adds G + Q = 2G to 2G (doubling)",
        gx, gy, e, r, s)
    # Q = 2G: u1 = 10..., u2 = 01...: the ladder adds Q = 2G to 2G.
    q2x, q2y = point_of(2)
    e, r, s = steer(q2x, q2y, 2, (1 << 255) | rnd, (1 << 254) | rnd >> 5)
    add("key_2g_ladder_double", "Q = 2G, the ladder adds Q to 2G (doubling)", q2x, q2y, e, r, s)
    # Q = -2G: the ladder adds Q to 2G: infinity in the middle of the ladder.
    mx, my = point_of(N - 2)
    e, r, s = steer(mx, my, N - 2, (1 << 255) | rnd, (1 << 254) | rnd >> 7)
    add("key_minus_2g_ladder_infinity", "Q = -2G, the ladder adds Q to 2G (infinity)",
        mx, my, e, r, s)
    # Q = -G: the table's G + Q is infinity; both bits set add nothing.
    nx, ny = point_of(N - 1)
    e, r, s = steer(nx, ny, N - 1, rnd | 1 << 255, (rnd >> 1) | 1 << 254)
    add("key_minus_g", "Q = -G, the table's G + Q is infinity", nx, ny, e, r, s)
    # and signed the usual way
    r, s = sign(N - 1, seeded("digest minus g"))
    add("key_minus_g_signed", "Q = -G, signed with d = n - 1", nx, ny, seeded("digest minus g"),
        r, s)
    # u1 = 0 (e = 0): the ladder adds Q alone.
    e, r, s = steer(gx, gy, 1, 0, seeded("u2 only") % N)
    add("u1_zero", "e = 0: u1*G is infinity", gx, gy, e, r, s)
    # u1*G + u2*Q = infinity (Q = G, e = -r): no x to compare, invalid.
    r = seeded("infinity r") % N
    s = seeded("infinity s") % N
    add("sum_infinity", "u1*G + u2*Q is infinity (Q = G, e = -r): invalid", gx, gy, (N - r) % N,
        r, s, valid=False)

    # R.x >= n: a point with x in [n, p) as the key, u1 = 0, u2 = 1: r is
    # x - n, the reduction mod n that the comparison needs.
    bx, by = point_at_x(N)
    assert N <= bx < P
    e, r, s = steer(bx, by, None, 0, 1)
    add("x_above_n", "R.x >= n: r = R.x - n (Q = R, e = 0, s = r)", bx, by, e, r, s)
    # A key with a small x: test_sig.c adds p to it (x >= p, refused).
    sx, sy = point_at_x(1)  # from 1: x = 0 would make r = 0
    assert sx + P < 2**256
    e, r, s = steer(sx, sy, None, 0, 1)
    add("key_small_x", "the first point with x >= 1 (test_sig.c: x + p is refused)", sx, sy,
        e, r, s)

    # x = 0 is on the curve: (0, y0) is a key, (p, y0) is not (x >= p).
    zx, zy = point_at_x(0)
    assert zx == 0
    public_key(zx, zy)  # raises if OpenSSL does not take it as a key
    # A point with x = 0 is not (0,0), infinity's stand-in in sig_p256.c:
    # as the key, and as the table's G + Q (Q = (0, y0) - G).
    for d in (1, 2, 0xDEADBEEF, N - 3):  # the arithmetic against OpenSSL's
        assert ec_mul(d, point_of(1)) == point_of(d)
    u1, u2 = seeded("x0 u1") % N, seeded("x0 u2") % N
    e, r, s = steer(zx, zy, None, u1, u2)
    add("key_x0", "the key (0, y0)", zx, zy, e, r, s)
    gx, gy = point_of(1)
    mx, my = ec_add((zx, zy), (gx, P - gy))
    u = (seeded("x0 table") >> 2) | 3 << 254  # top bits 11 and 11: G + Q at once
    e, r, s = steer(mx, my, None, u, u ^ (seeded("x0 table 2") >> 3))
    add("key_x0_minus_g", "Q = (0, y0) - G: the table's G + Q has x = 0", mx, my, e, r, s)

    def c_bytes(*values, indent="      "):
        """32 big-endian bytes of each value, 16 a line."""
        b = b"".join(v.to_bytes(32, "big") for v in values)
        rows = [", ".join("0x%02x" % c for c in b[i:i + 16]) for i in range(0, len(b), 16)]
        return "{" + (",\n" + indent).join(rows) + "}"

    lines = [
        "/* ECDSA P-256 test vectors, each checked by OpenSSL (python3-cryptography).",
        " * Generated by scripts/gen_sig_vectors.py: do not edit, run it again. */",
        "#ifndef ABOTA_SIG_VECTORS_H",
        "#define ABOTA_SIG_VECTORS_H",
        "",
        "#include <stdint.h>",
        "",
        "struct sig_vector {",
        "    const char *name;",
        "    uint8_t key[64];    /* X || Y */",
        "    uint8_t digest[32];",
        "    uint8_t sig[64];    /* r || s */",
        "    int valid;          /* OpenSSL's verdict */",
        "};",
        "",
        "static const struct sig_vector sig_vectors[] = {",
    ]
    for name, comment, qx, qy, e, r, s, valid in vectors:
        lines += [
            "    /* %s */" % comment,
            "    {\"%s\"," % name,
            "     %s," % c_bytes(qx, qy),
            "     %s," % c_bytes(e),
            "     %s," % c_bytes(r, s),
            "     %d}," % (1 if valid else 0),
        ]
    lines += [
        "};",
        "",
        "/* (0, y0), a point of the curve: a key that OpenSSL accepts */",
        "static const uint8_t sig_key_x0[64] =",
        "    %s;" % c_bytes(zx, zy, indent="     "),
        "",
        "#endif",
        "",
    ]
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print("gen_sig_vectors: %d vectors in %s" % (len(vectors), out))


if __name__ == "__main__":
    main()
