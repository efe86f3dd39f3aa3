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

/**
 * The operator UI in Debian's headless Chromium, offline: create a unit, dry-run it, find it in
 * the list; and issue #20's walk: create (disabled), dry run with a saved request, enable, diff
 * two versions, view before rolling back, roll back. Its screenshots are the ones in docs/images
 * ({@code target/browser-artifacts/ui-*.png}).
 */
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

    @Test
    void createDisabledDryRunWithASavedRequestEnableDiffAndRollBack() {
        String id = Api.freshId("ui-walk");
        Page page = chromium.newPage();
        try {
            walk(page, id);
        } finally {
            chromium.screenshot(page, "ui-walk-last");
            page.context().close();
        }
    }

    private void walk(Page page, String id) {
        page.setDefaultTimeout(20_000);
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
        java.util.List<String> dialogs = new java.util.ArrayList<>();
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.accept();
        });
        page.navigate(ui.toString());
        page.locator("#token").fill(Api.EDITOR);
        page.locator("#sign-in").click();

        // Create: disabled, with a template that changes nothing.
        page.locator("#new-unit").click();
        assertThat(page.locator("#unit-enabled")).not().isChecked();
        assertThat(page.locator("#code-editor")).containsText("changes nothing");
        // This walk saves versions as written; UiRolloutBrowserIT walks a save that goes out as a canary.
        assertThat(page.locator("#rollout-gradual")).isChecked();
        page.locator("#rollout-gradual").uncheck();
        page.locator("#unit-id").fill(id);
        replaceCode(page, "if ngx.var.arg_token ~= 'abc' then return ngx.exit(403) end");
        page.locator("#unit-budget-instructions").fill("20000");
        page.locator("#unit-budget-wall").fill("20");
        assertThat(page.locator("#problems")).hasText("valid");
        page.locator("#save").click();
        assertThat(page.locator("#message")).containsText("Saved " + id);
        Locator row = page.locator("#units-table tr[data-id='" + id + "']");
        assertThat(row).containsText("disabled");
        // What the edges see (none runs this unit): the panel says so rather than staying empty.
        assertThat(page.locator("#edge-health-status")).containsText("No calls on ");
        assertThat(page.locator("#edge-health-status")).containsText("disabled");

        // Dry run with a saved request: saved, overwritten, chosen again, run.
        page.locator("#dryrun-uri").fill("/hls/live.m3u8?token=wrong");
        page.locator("#request-name").fill("wrong token");
        page.locator("#save-request").click();
        page.locator("#dryrun-uri").fill("/somewhere/else");
        page.locator("#saved-requests").selectOption("wrong token");
        assertThat(page.locator("#dryrun-uri")).hasValue("/hls/live.m3u8?token=wrong");
        page.locator("#run-test").click();
        assertThat(page.locator("#test-result")).containsText("status: 403");
        chromium.screenshot(page, "ui-dry-run-saved-request");

        // Enable; then a second content so there are versions to compare.
        page.locator("#toggle-enabled").click();
        assertThat(page.locator("#message")).containsText("Enabled");
        assertThat(row).containsText("enabled");
        replaceCode(page, "if ngx.var.arg_token ~= 'abc' then return ngx.exit(401) end");
        assertThat(page.locator("#problems")).hasText("valid");
        page.locator("#save").click();
        assertThat(page.locator("#message")).containsText("Saved " + id);

        // History: the current version is marked and offers no rollback; the budget went through.
        page.locator("#show-history").click();
        Locator versions = page.locator("#history-table tbody tr");
        assertThat(versions).hasCount(3);
        String current = versions.nth(0).getAttribute("data-version");
        String enabled = versions.nth(1).getAttribute("data-version");
        String created = versions.nth(2).getAttribute("data-version");
        assertThat(versions.nth(0)).containsText("current");
        versions.nth(0).locator(".view-version").click();
        assertThat(page.locator("#version-title")).containsText("the current version");
        assertThat(page.locator("#rollback")).isHidden();
        assertThat(page.locator("#version-diff")).containsText("(no difference)");

        // Diff two versions: the created one against the current one.
        page.locator("#diff-from").selectOption(created);
        page.locator("#diff-to").selectOption(current);
        page.locator("#show-diff").click();
        assertThat(page.locator("#diff .del")).containsText(new String[] {"enabled: false", "ngx.exit(403)"});
        assertThat(page.locator("#diff .add")).containsText(new String[] {"enabled: true", "ngx.exit(401)"});
        assertThat(page.locator("#diff")).containsText("budget: 20000 instructions, 20 ms");
        chromium.screenshot(page, "ui-version-diff");

        // View before rolling back, then roll back (confirmed) to the enabled 403 version.
        versions.nth(1).locator(".view-version").click();
        assertThat(page.locator("#version-diff .del")).containsText("ngx.exit(401)");
        assertThat(page.locator("#version-diff .add")).containsText("ngx.exit(403)");
        assertThat(page.locator("#rollback")).hasText("Roll back to version " + enabled);
        chromium.screenshot(page, "ui-view-before-rollback");
        page.locator("#rollback").click();
        assertThat(page.locator("#message")).containsText("back to the content of version " + enabled);
        assertThat(page.locator("#code-editor")).containsText("ngx.exit(403)");
        assertThat(versions).hasCount(4);
        org.assertj.core.api.Assertions.assertThat(dialogs).anyMatch(m -> m.startsWith("Roll " + id + " back"));

        // Another unit opened: the last dry run's answer is gone; the list filters and says when nothing matches.
        page.locator("#new-unit").click();
        assertThat(page.locator("#test-result")).isEmpty();
        page.locator("#unit-filter").fill(id);
        assertThat(page.locator("#units-table tbody tr")).hasCount(1);
        page.locator("#unit-filter").fill(id + "-nothing-like-it");
        assertThat(page.locator("#units-table tbody tr")).hasCount(0);
        assertThat(page.locator("#units-empty")).containsText("No unit matches");
    }

    private static void replaceCode(Page page, String code) {
        page.locator(".CodeMirror-lines").click();
        page.keyboard().press("Control+A");
        page.keyboard().press("Delete");
        page.keyboard().type(code);
    }

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

        // New units start disabled (issue #20); this test wants it running at once.
        assertThat(page.locator("#unit-enabled")).not().isChecked();
        page.locator("#unit-enabled").check();
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

        // Disable through the UI (confirmed: edges stop running it at once): the list shows the new status.
        page.onceDialog(dialog -> dialog.accept());
        page.locator("#toggle-enabled").click();
        assertThat(page.locator("#message")).containsText("Disabled");
        assertThat(row).containsText("disabled");
    }
}
