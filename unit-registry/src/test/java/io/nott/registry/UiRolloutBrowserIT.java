package io.nott.registry;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.nott.registry.Api.editor;

import com.microsoft.playwright.Page;
import io.nott.testsupport.HeadlessChromium;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #18 in the operator UI (Debian's headless Chromium): a new unit is saved as a rollout, never
 * live on 100 % at once; a unit's rollout view shows its step and decisions, and pause and abort work.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class UiRolloutBrowserIT {

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
    void aNewUnitGoesOutAsACanaryAndItsRolloutCanBePausedAndAborted() {
        Page page = chromium.newPage();
        try {
            page.setDefaultTimeout(20_000);
            com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(20_000);
            page.navigate(ui.toString());
            page.locator("#token").fill(Api.EDITOR);
            page.locator("#sign-in").click();

            String id = Api.freshId("ui-rollout");
            page.locator("#new-unit").click();
            assertThat(page.locator("#rollout-gradual")).isChecked();
            page.locator("#unit-id").fill(id);
            assertThat(page.locator("#rollout-min-p99-calls")).hasValue("100");
            page.locator("#rollout-min-p99-calls").fill("250");
            page.locator("#save").click();
            assertThat(page.locator("#message")).containsText("as a canary rolling out");
            editor().get("/api/v1/units/" + id + "/rollout").then().statusCode(200)
                    .body("plan.minP99Calls", org.hamcrest.Matchers.equalTo(250));
            // the editor's code is the canary at the default plan's first step; the stable side does nothing
            assertThat(page.locator("#rollout-status")).containsText("running");
            assertThat(page.locator("#rollout-status")).containsText("at 1 %");
            assertThat(page.locator("#rollout-decisions tbody tr").first()).containsText("rollout-step");
            page.locator("#rollout-pause").click();
            assertThat(page.locator("#rollout-status")).containsText("paused");
            page.locator("#rollout-abort").click();
            assertThat(page.locator("#rollout-status")).containsText("aborted");
            assertThat(page.locator("#rollout-abort")).isDisabled();

            // an existing unit's rollout shows when it is opened from the list
            String other = Api.freshId("ui-rollout-list");
            editor().body(Map.of("phase", "access", "code", "local a = 1",
                    "canary", Map.of("code", "local a = 2", "percent", 5), "rollout", Map.of("manual", true)))
                    .put("/api/v1/units/" + other).then().statusCode(201);
            page.locator("#refresh").click();
            page.locator("#units-table tr[data-id='" + other + "']").click();
            assertThat(page.locator("#rollout-status")).containsText("at 5 %");
            assertThat(page.locator("#rollout-promote")).isEnabled();
        } finally {
            chromium.screenshot(page, "ui-rollout-test");
            page.context().close();
        }
    }
}
