package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.deploy.RenderedChart.PodTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's assumptions about the images hold for the Dockerfiles the services ship
 * ({@code <module>/src/main/docker/Dockerfile.jvm|native}): the uid the pod runs as is the
 * image's USER (so the read-only, non-root pod can read what the image owns), and every
 * container port is one the image EXPOSEs.
 */
class ImagesTest {

    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\d+)");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(.+)$");

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void podsRunAsTheImagesUserAndOpenTheImagesPorts(String flavour) throws IOException {
        RenderedChart chart = Charts.render(flavour.equals("native") ? Variant.NATIVE : Variant.DEFAULTS);
        for (String component : ServiceModule.SERVICES.keySet()) {
            Path dockerfile = Charts.REPO_ROOT.resolve(ServiceModule.SERVICES.get(component))
                    .resolve("src/main/docker/Dockerfile." + flavour);
            String text = Files.readString(dockerfile);
            PodTemplate pod = chart.podTemplate(component);

            Matcher user = USER.matcher(text);
            assertThat(user.find()).as(dockerfile + " names a numeric USER").isTrue();
            assertThat(pod.spec().at("/securityContext/runAsUser").asInt()).as(component + " " + flavour + " uid")
                    .isEqualTo(Integer.parseInt(user.group(1)));

            Matcher expose = EXPOSE.matcher(text);
            List<Integer> exposed = expose.find()
                    ? Arrays.stream(expose.group(1).trim().split("\\s+")).map(p -> Integer.parseInt(p.replace("/tcp", ""))).toList()
                    : List.of();
            List<Integer> ports = pod.containers().flatMap(c -> RenderedChart.stream(c.path("ports")))
                    .map(p -> p.path("containerPort").asInt()).toList();
            assertThat(exposed).as(dockerfile + " EXPOSEs the chart's container ports").containsAll(ports);
        }
    }
}
