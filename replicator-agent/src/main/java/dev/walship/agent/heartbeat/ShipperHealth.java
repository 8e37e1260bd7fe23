package dev.walship.agent.heartbeat;

import dev.walship.agent.ship.Shipper;
import dev.walship.format.store.ReplicaStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A replica as {@link Heartbeat} judges it, from its shipper: healthy when it holds everything
 * captured (or has been behind for less than {@link #CATCHING_UP}, as a busy database always is for
 * a moment) and its store answers now ({@link ReplicaStore#checkAccess()}, so an idle database
 * whose server went away is not reported healthy).
 */
public final class ShipperHealth implements Heartbeat.Replica {
  /** Behind for less than this is catching up, not behind. */
  public static final Duration CATCHING_UP = Duration.ofSeconds(10);

  private final String name;
  private final Shipper shipper;
  private final InstantSource clock;

  public ShipperHealth(String name, Shipper shipper, InstantSource clock) {
    this.name = name;
    this.shipper = shipper;
    this.clock = clock;
  }

  @Override
  public String problem() {
    long lag = shipper.lagBytes();
    Instant behind = shipper.stats().behindSince();
    if (lag < 0) {
      return name + " has not reported its position yet" + lastError();
    }
    if (lag > 0
        && behind != null
        && Duration.between(behind, clock.instant()).compareTo(CATCHING_UP) >= 0) {
      return name + " is behind by " + lag + " bytes since " + behind + lastError();
    }
    try {
      shipper.store().checkAccess();
    } catch (IOException e) {
      return name + " is unreachable: " + (e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return null;
  }

  private String lastError() {
    String e = shipper.stats().lastError();
    return e == null ? "" : " (last error: " + e + ")";
  }
}
