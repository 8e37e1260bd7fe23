package dev.walship.agent.sftp;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gets AES-GCM compiled before the first large transfer. The JDK switches to its fast AES and GHASH
 * instructions only once the JIT compiles the cipher's methods, which it does after some thousands
 * of calls; an SSH stream calls them once per 32 KiB packet, so a fresh process (a {@code
 * replicator restore}) would spend its first hundreds of megabytes in slow code. Many small calls
 * on a background thread, while the SSH handshake runs, get there in a fraction of a second.
 */
final class CryptoWarmup {
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static final int CALLS = 12_000;

  private CryptoWarmup() {}

  /** Starts the warm-up once per JVM; returns at once. */
  static void start() {
    if (STARTED.compareAndSet(false, true)) {
      Thread t = new Thread(CryptoWarmup::run, "sftp-crypto-warmup");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
  }

  private static void run() {
    try {
      SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
      byte[] iv = new byte[12];
      byte[] data = new byte[256];
      byte[] out = new byte[data.length + 16];
      Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
      Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
      for (int i = 0; i < CALLS; i++) {
        iv[0] = (byte) i;
        iv[1] = (byte) (i >> 8);
        GCMParameterSpec spec = new GCMParameterSpec(128, iv);
        enc.init(Cipher.ENCRYPT_MODE, key, spec);
        enc.updateAAD(iv, 0, 4);
        int n = enc.doFinal(data, 0, data.length, out, 0);
        dec.init(Cipher.DECRYPT_MODE, key, spec);
        dec.updateAAD(iv, 0, 4);
        dec.doFinal(out, 0, n, data, 0);
      }
    } catch (GeneralSecurityException e) {
      // no AES-GCM here: nothing to warm, and the connection will negotiate something else
    }
  }
}
