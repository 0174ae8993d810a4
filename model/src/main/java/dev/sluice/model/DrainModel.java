package dev.sluice.model;

import java.util.EnumMap;
import java.util.Map;

/**
 * The drain state machine as data: for each state and event, the next state and what happens.
 * Sequential and obviously so: maintenance is one atomic step here, so a write can never arrive
 * "during" it; the concurrent machine is checked against this by lincheck (which linearizes each
 * operation to one of these steps) and by the table test in impl/.
 *
 * <p>Written from SPEC.md's table, not from {@code DrainStatus}: an executor that accepts every
 * task (queueing it), and maintenance that always finishes its work.
 */
public final class DrainModel {
    public enum State { IDLE, REQUIRED, PROCESSING_TO_IDLE, PROCESSING_TO_REQUIRED }

    public enum Event {
        /** a write was buffered, then scheduleAfterWrite */
        WRITE,
        /** the read buffer reported FULL: scheduleDrainBuffers */
        READ_BUFFER_FULL,
        /** cleanUp: maintenance now, on the caller */
        CLEAN_UP,
        /** the executor runs a queued drain task */
        TASK_RUNS
    }

    /** What one event does: the state after it, and whether it queues a task or drains. */
    public record Step(State next, boolean schedules, boolean drains) {}

    public static final Map<State, Map<Event, Step>> TABLE = new EnumMap<>(State.class);

    static {
        Step schedule = new Step(State.PROCESSING_TO_IDLE, true, false);
        Step drainToIdle = new Step(State.IDLE, false, true);
        for (State s : State.values()) {
            Map<Event, Step> row = new EnumMap<>(Event.class);
            boolean processing = s == State.PROCESSING_TO_IDLE || s == State.PROCESSING_TO_REQUIRED;
            row.put(Event.WRITE, processing ? new Step(State.PROCESSING_TO_REQUIRED, false, false) : schedule);
            row.put(Event.READ_BUFFER_FULL, processing ? new Step(s, false, false) : schedule);
            row.put(Event.CLEAN_UP, drainToIdle);
            // A task only exists in a PROCESSING state, or after a cleanUp overtook it (IDLE):
            // either way it enters PROCESSING_TO_IDLE, drains and leaves for IDLE.
            row.put(Event.TASK_RUNS, drainToIdle);
            TABLE.put(s, row);
        }
    }

    private State state = State.IDLE;
    private int buffered;
    private int queuedTasks;

    public State state() {
        return state;
    }

    public int buffered() {
        return buffered;
    }

    public int queuedTasks() {
        return queuedTasks;
    }

    public void write() {
        buffered++;
        apply(Event.WRITE);
    }

    public void readBufferFull() {
        apply(Event.READ_BUFFER_FULL);
    }

    /** @return how many buffered writes the maintenance drained */
    public int cleanUp() {
        return apply(Event.CLEAN_UP);
    }

    /** @return how many writes the task drained, or -1 if no task was queued */
    public int runTask() {
        if (queuedTasks == 0) {
            return -1;
        }
        queuedTasks--;
        return apply(Event.TASK_RUNS);
    }

    private int apply(Event event) {
        Step step = TABLE.get(state).get(event);
        state = step.next();
        if (step.schedules()) {
            queuedTasks++;
        }
        int drained = 0;
        if (step.drains()) {
            drained = buffered;
            buffered = 0;
        }
        return drained;
    }
}
