package knock.server.track;

import java.util.ArrayList;
import java.util.List;

import knock.net.Address;
import knock.server.config.SequenceConfig;

/** Records every event as one line, e.g. {@code admitted ssh4 198.18.0.2} or {@code scan ssh4 198.18.0.2 adjacent}. */
final class RecordingEvents implements TrackEvents {

    final List<String> lines = new ArrayList<>();
    /** Off for floods, where every stranger takes step 1. */
    boolean recordSteps = true;

    @Override
    public void advanced(SequenceConfig sequence, int family, long hi, long lo, int stepsTaken) {
        if (recordSteps) {
            lines.add("step " + sequence.list(family) + " " + Address.format(family, hi, lo) + " " + stepsTaken);
        }
    }

    @Override
    public void admitted(SequenceConfig sequence, int family, long hi, long lo, boolean refreshed,
                         long packetNanos) {
        lines.add((refreshed ? "refreshed " : "admitted ") + sequence.list(family) + " " + Address.format(family, hi, lo));
    }

    @Override
    public void refused(SequenceConfig sequence, int family, long hi, long lo, int capacity) {
        lines.add("refused " + sequence.list(family) + " " + Address.format(family, hi, lo) + " full=" + capacity);
    }

    @Override
    public void replayed(SequenceConfig sequence, int family, long hi, long lo, long timeStep) {
        lines.add("replayed " + sequence.list(family) + " " + Address.format(family, hi, lo) + " step=" + timeStep);
    }

    @Override
    public void connected(SequenceConfig sequence, int family, long hi, long lo) {
        lines.add("connected " + sequence.list(family) + " " + Address.format(family, hi, lo));
    }

    @Override
    public void broken(SequenceConfig sequence, int family, long hi, long lo, Break reason, boolean removed) {
        lines.add("break " + sequence.list(family) + " " + Address.format(family, hi, lo) + " "
                + reason.name().toLowerCase() + (removed ? " removed" : ""));
    }

    @Override
    public void scanned(SequenceConfig sequence, int family, long hi, long lo, Scan kind, boolean removed) {
        lines.add("scan " + sequence.list(family) + " " + Address.format(family, hi, lo) + " " + kind.label()
                + (removed ? " removed" : ""));
    }

    @Override
    public void expired(SequenceConfig sequence, int family, long hi, long lo, boolean early) {
        lines.add((early ? "dropped " : "expired ") + sequence.list(family) + " " + Address.format(family, hi, lo));
    }

    /** The lines since the last call. */
    List<String> take() {
        List<String> copy = List.copyOf(lines);
        lines.clear();
        return copy;
    }

    String last() {
        return lines.isEmpty() ? "(none)" : lines.getLast();
    }
}
