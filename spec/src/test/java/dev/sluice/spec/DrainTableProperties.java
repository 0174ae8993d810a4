package dev.sluice.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.drain.DrainStatus;
import dev.sluice.drain.WriteBuffer;
import dev.sluice.model.DrainModel;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Property 5 of SPEC.md: for random event sequences (writes, full read buffers, cleanUp, the
 * executor running a queued task), the real machine takes exactly the transitions of the table in
 * {@link DrainModel}: same state, same number of queued tasks, same writes drained, every step.
 */
class DrainTableProperties {
    @Test
    void theMachineFollowsTheTable() {
        Seeds.qt("DrainTableProperties", 500)
                .forAll(SourceDSL.lists().of(Generate.enumValues(DrainModel.Event.class)).ofSizeBetween(0, 30))
                .checkAssert(DrainTableProperties::run);
    }

    static void run(List<DrainModel.Event> events) {
        WriteBuffer<Boolean> buffer = new WriteBuffer<>(64);
        ArrayDeque<Runnable> queued = new ArrayDeque<>();
        int[] drained = {0};
        DrainStatus machine = new DrainStatus(queued::add, ownWrite -> {
            while (buffer.poll() != null) {
                drained[0]++;
            }
            return false;
        });
        DrainModel model = new DrainModel();
        for (int i = 0; i < events.size(); i++) {
            DrainModel.Event event = events.get(i);
            drained[0] = 0;
            int modelDrained = 0;
            switch (event) {
                case WRITE:
                    buffer.offer(Boolean.TRUE);
                    machine.scheduleAfterWrite();
                    model.write();
                    break;
                case READ_BUFFER_FULL:
                    machine.scheduleDrainBuffers();
                    model.readBufferFull();
                    break;
                case CLEAN_UP:
                    machine.cleanUp();
                    modelDrained = model.cleanUp();
                    break;
                default:
                    Runnable task = queued.poll();
                    if (task != null) {
                        task.run();
                    }
                    modelDrained = Math.max(0, model.runTask());
            }
            String where = "after " + events.subList(0, i + 1);
            assertEquals(model.state().ordinal(), machine.status(), "§3 table vs DrainModel: state " + where);
            assertEquals(model.queuedTasks(), queued.size(), "I-ONE-DRAINER, §3 table vs DrainModel: queued tasks " + where);
            assertEquals(modelDrained, drained[0], "I-NO-STRANDED-WRITE: writes drained " + where);
        }
    }
}
