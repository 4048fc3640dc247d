package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void shouldShowFractionCountAndUnitOfKnownTotal() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "verifying", 200, "chains", false);
        bar.update(50);

        assertThat(bar.line(System.nanoTime())).startsWith("verifying [########......................]  25%")
                .contains("50/200 chains").contains("chains/s");
    }

    @Test
    void shouldPrintOneLinePerTenthWhenNotOnATerminal() {
        StringWriter text = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), "replaying", 1_000, "events", false)) {
            for (int i = 1; i <= 1_000; i++) {
                bar.update(i);
            }
        }

        String[] lines = text.toString().split("\\R");
        assertThat(lines).hasSize(10); // 10 %, 20 %, ... 90 %, then the final line at 100 %
        assertThat(lines[0]).contains(" 10%");
        assertThat(lines[9]).contains("100%").contains("1,000/1,000 events");
        assertThat(text.toString()).doesNotContain("\r");
    }

    @Test
    void shouldRedrawInPlaceOnATerminal() {
        StringWriter text = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(text), "verifying", 3, "chains", true)) {
            bar.update(1);
            bar.update(3); // within the redraw interval: drawn only by close()
        }

        String drawn = text.toString();
        assertThat(drawn).startsWith("\rverifying").contains("1/3 chains").endsWith(System.lineSeparator());
        assertThat(drawn.substring(drawn.lastIndexOf('\r'))).contains("100%").contains("3/3 chains");
        assertThat(drawn.indexOf('\n')).isEqualTo(drawn.length() - 1); // one line, ended once
    }

    @Test
    void shouldShowCountAndRateWhenTotalIsUnknown() {
        ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), "reading", 0, "events", false);
        bar.update(1_234);

        assertThat(bar.line(System.nanoTime())).startsWith("reading  1,234 events").doesNotContain("[");
    }
}
