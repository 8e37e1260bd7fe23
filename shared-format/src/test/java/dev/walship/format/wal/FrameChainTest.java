package dev.walship.format.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Frames built by hand with SQLite's rules, then checked; SQLite-written WALs are in WalReaderTest.
 */
class FrameChainTest {
  static final WalHeader H = WalHeader.create(true, 512, 0, 0xabc, 0xdef);

  static byte[] frame(WalChecksum prev, int pgno, int commit, int salt1, int salt2) {
    byte[] f = new byte[H.frameSize()];
    Bytes.putInt(f, 0, pgno);
    Bytes.putInt(f, 4, commit);
    Bytes.putInt(f, 8, salt1);
    Bytes.putInt(f, 12, salt2);
    for (int i = 24; i < f.length; i++) {
      f[i] = (byte) (i * 31 + pgno);
    }
    WalChecksum c = prev.update(true, f, 0, 8).update(true, f, 24, 512);
    Bytes.putInt(f, 16, c.s1());
    Bytes.putInt(f, 20, c.s2());
    return f;
  }

  @Test
  void acceptsAChainAndAdvances() {
    FrameChain chain = new FrameChain(H);
    byte[] f1 = frame(H.checksum(), 1, 0, 0xabc, 0xdef);
    assertNull(chain.check(f1, 0));
    byte[] f2 = frame(chain.checksum(), 2, 2, 0xabc, 0xdef);
    assertNull(chain.check(f2, 0));
    assertEquals(2, chain.frames());
    assertEquals(FrameHeader.parse(f2, 0).checksum(), chain.checksum());
    assertTrue(FrameHeader.parse(f2, 0).isCommit());
  }

  @Test
  void refusesOtherSaltsPageZeroAndBadChecksumsWithoutAdvancing() {
    FrameChain chain = new FrameChain(H);
    FrameProblem salt = chain.check(frame(H.checksum(), 1, 0, 0xabd, 0xdef), 0);
    assertEquals(FrameProblem.Kind.SALT, salt.kind());
    assertEquals("salt 0x00000abd/0x00000def != header salt 0x00000abc/0x00000def", salt.detail());
    assertEquals(
        FrameProblem.Kind.PAGE_NUMBER,
        chain.check(frame(H.checksum(), 0, 0, 0xabc, 0xdef), 0).kind());
    byte[] f = frame(H.checksum(), 1, 0, 0xabc, 0xdef);
    f[100] ^= 1;
    assertEquals(FrameProblem.Kind.CHECKSUM, chain.check(f, 0).kind());
    assertEquals(H.checksum(), chain.checksum());
    assertEquals(0, chain.frames());
  }

  @Test
  void anUnknownStartAdoptsTheFirstFrameAndVerifiesTheRest() {
    byte[] f1 = frame(new WalChecksum(5, 6), 1, 0, 0xabc, 0xdef);
    FrameChain chain = new FrameChain(H, null);
    assertNull(chain.check(f1, 0));
    byte[] f2 = frame(chain.checksum(), 2, 0, 0xabc, 0xdef);
    f2[300] ^= 1;
    assertEquals(FrameProblem.Kind.CHECKSUM, chain.check(f2, 0).kind());
  }
}
