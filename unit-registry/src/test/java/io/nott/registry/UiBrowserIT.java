package io.nott.registry;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.nott.testsupport.HeadlessChromium;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator UI in Debian's headless Chromium, offline: create a unit, dry-run it, find it in the list. */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class UiBrowserIT {

    private static HeadlessChromium chromium;

    @TestHTTPResource("/ui")
    URL ui;

    @BeforeAll
    static void launch() {
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void createDryRunAndListAUnit() {
        try {
            run();
        } finally {
            chromium.screenshot(lastPage, "ui-browser-test");
            lastPage.context().close();
        }
    }

    private Page lastPage;

    private void run() {
        String id = Api.freshId("ui-unit");
        Page page = chromium.newPage();
        lastPage = page;
        // two shared cores: give slow answers time before an expectation fails
        page.setDefaultTimeout(20_000);
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        page.navigate(ui.toString());
        page.locator("#token").fill(Api.EDITOR);
        page.locator("#sign-in").click();

        page.locator("#new-unit").click();
        page.locator("#unit-id").fill(id);
        page.locator("#unit-phase").selectOption("access");
        page.locator(".CodeMirror-lines").click();
        page.keyboard().press("Control+A");
        page.keyboard().press("Delete");
        // Validation as you type: broken Lua is reported with its line.
        page.keyboard().type("if then");
        assertThat(page.locator("#problems")).containsText("line 1");
        assertThat(page.locator(".lua-error-line")).hasCount(1);
        page.keyboard().press("Control+A");
        page.keyboard().press("Delete");
        page.keyboard().type("if ngx.var.arg_token ~= 'abc' then return ngx.exit(403) end");
        assertThat(page.locator("#problems")).hasText("valid");
        // CodeMirror's Lua mode highlights keywords.
        assertThat(page.locator(".cm-keyword").first()).isVisible();

        // Paths beside hosts (issue #16), one nginx location per line, validated as you type.
        page.locator("#unit-paths").fill("hls/");
        assertThat(page.locator("#problems")).containsText("paths[0]");
        page.locator("#unit-paths").fill("/hls/\n~* \\.key$");
        assertThat(page.locator("#problems")).hasText("valid");

        page.locator("#save").click();
        assertThat(page.locator("#message")).containsText("Saved " + id);

        page.locator("#dryrun-uri").fill("/hls/live.m3u8?token=wrong");
        page.locator("#run-test").click();
        assertThat(page.locator("#test-result")).containsText("status: 403");
        assertThat(page.locator("#test-result")).containsText("outcome: exit");

        Locator row = page.locator("#units-table tr[data-id='" + id + "']");
        assertThat(row).isVisible();
        assertThat(row).containsText("access");
        assertThat(row).containsText("enabled");
        assertThat(row).containsText("/hls/");
        assertThat(row).containsText("~* \\.key$");
        // Outside its paths the unit does not run: the dry run goes through.
        page.locator("#dryrun-uri").fill("/app/index.html?token=wrong");
        page.locator("#run-test").click();
        assertThat(page.locator("#test-result")).containsText("status: 200");

        // Disable through the UI: the list shows the new status.
        page.locator("#toggle-enabled").click();
        assertThat(page.locator("#message")).containsText("Disabled");
        assertThat(row).containsText("disabled");
    }
}
