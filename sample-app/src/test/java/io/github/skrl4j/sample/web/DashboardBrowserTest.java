package io.github.skrl4j.sample.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.skrl4j.testsupport.Browser;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * against the running application: the charts fill with points while training runs and the page
 * ends showing the final status. A screenshot goes to {@code target/dashboard.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sample.training.max-environment-steps=12288",
    "sample.training.checkpoint-interval=0"
})
@Browser
class DashboardBrowserTest extends RunningApplicationTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    Path profile;

    @LocalServerPort
    int port;

    private WebDriver driver;

    @BeforeEach
    void openBrowser() {
        // the given driver binary only: Selenium Manager must never try to download one
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,1400", "--user-data-dir=" + profile.toAbsolutePath());
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private long chartPoints(String chart) {
        Object n = ((JavascriptExecutor) driver).executeScript(
                "const c = window.dashboard && window.dashboard.charts['" + chart + "'];"
                        + " return c ? c.data[0].length : -1;");
        return ((Number) n).longValue();
    }

    @Test
    void chartsDrawTheRunAsItHappens() throws Exception {
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));

        // points arrive while training runs
        wait.until(d -> chartPoints("returns") > 0 && chartPoints("gradNorms") > 0 && chartPoints("learningRates") > 0);
        // the page follows the run to its end and then holds every point
        wait.until(d -> "BUDGET_EXHAUSTED".equals(d.findElement(By.id("status")).getAttribute("data-status")));
        wait.until(d -> chartPoints("gradNorms") == 12);

        long episodes = new Http(port).json("/api/training").get("episodes").asLong();
        assertThat(chartPoints("returns")).isEqualTo(episodes);
        assertThat(chartPoints("learningRates")).isEqualTo(12);
        assertThat(driver.findElement(By.id("episodes")).getText())
                .isEqualTo(String.format(Locale.ENGLISH, "%,d", episodes));
        List<String> optimizerRows = driver.findElements(By.cssSelector("#optimizers tbody tr")).stream()
                .map(r -> r.getAttribute("data-optimizer")).toList();
        assertThat(optimizerRows).containsExactly("policy", "value");

        // the canvases hold drawn pixels, not just data: count non-transparent pixels of the returns plot
        Object painted = ((JavascriptExecutor) driver).executeScript(
                "const cv = window.dashboard.charts.returns.ctx.canvas;"
                        + " const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;"
                        + " let n = 0; for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) n++; } return n;");
        assertThat(((Number) painted).longValue()).isGreaterThan(1000);

        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        assertThat(screenshot).isNotEmptyFile();
    }
}
