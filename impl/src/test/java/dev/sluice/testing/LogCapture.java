package dev.sluice.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what sluice logs (through {@code System.Logger}, which the JDK routes to
 * java.util.logging) while open, instead of printing it: the tests count the lines that the
 * bounded-logging rules promise (SPEC §6), and a green run stays quiet.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.sluice");
    private final boolean parentHandlers;
    private final List<LogRecord> records = new ArrayList<>();

    public LogCapture() {
        parentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    /** Records at {@code level} whose logger name ends with {@code loggerSuffix}. */
    public synchronized long count(Level level, String loggerSuffix) {
        return records.stream()
                .filter(r -> r.getLevel().equals(level) && r.getLoggerName().endsWith(loggerSuffix))
                .count();
    }

    public synchronized long total() {
        return records.size();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parentHandlers);
    }
}
