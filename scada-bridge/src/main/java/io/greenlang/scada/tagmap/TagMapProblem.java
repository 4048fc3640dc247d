package io.greenlang.scada.tagmap;

/**
 * One problem found in a tag map.
 *
 * @param path    where, as a JSON-pointer-like path, e.g. {@code /tags/3/sampling_interval_ms}
 * @param message what is wrong
 */
public record TagMapProblem(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
