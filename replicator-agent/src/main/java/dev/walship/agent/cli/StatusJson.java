package dev.walship.agent.cli;

import dev.walship.agent.health.ReplicaHealth;
import dev.walship.format.layout.Position;
import dev.walship.toolkit.json.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** {@code replicator status -json}: one JSON object, for monitors. */
final class StatusJson {
  private StatusJson() {}

  static void print(PrintWriter out, List<ReplicaHealth> rows, Instant now) {
    StringBuilder b = new StringBuilder();
    b.append("{\"time\":").append(str(now.toString()));
    b.append(",\"ok\":").append(rows.stream().allMatch(ReplicaHealth::healthy));
    b.append(",\"replicas\":[");
    for (int i = 0; i < rows.size(); i++) {
      ReplicaHealth s = rows.get(i);
      b.append(i == 0 ? "" : ",").append('{');
      b.append("\"database\":").append(str(s.database()));
      b.append(",\"replica\":").append(str(s.replica()));
      b.append(",\"location\":").append(str(s.location()));
      b.append(",\"state\":").append(str(s.state()));
      b.append(",\"healthy\":").append(s.healthy());
      b.append(",\"local\":").append(position(s.local()));
      b.append(",\"replica_position\":").append(position(s.remote()));
      b.append(",\"lag_seconds\":")
          .append(
              s.lag() == null
                  ? "null"
                  : String.format(Locale.ROOT, "%.3f", s.lag().toMillis() / 1000.0));
      b.append(",\"lag_bytes\":").append(s.lagBytes() == null ? "null" : s.lagBytes().toString());
      b.append(",\"last_sync\":")
          .append(s.lastSync() == null ? "null" : str(s.lastSync().toString()));
      b.append(",\"last_error\":").append(s.lastError() == null ? "null" : str(s.lastError()));
      b.append('}');
    }
    b.append("]}");
    out.println(b);
    out.flush();
  }

  private static String position(Position p) {
    return p == null
        ? "null"
        : "{\"generation\":"
            + str(p.generation().name())
            + ",\"index\":"
            + p.index()
            + ",\"offset\":"
            + p.offset()
            + "}";
  }

  private static String str(String s) {
    return Json.quote(s);
  }
}
