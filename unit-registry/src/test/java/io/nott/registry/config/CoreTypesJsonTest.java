package io.nott.registry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.HistoryEntry;
import io.nott.unit.model.Budget;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import org.junit.jupiter.api.Test;

/** The registry's JSON keeps its wire format with unit-core's types: history written before still reads. */
class CoreTypesJsonTest {

    private final ObjectMapper json = mapper();

    @Test
    void historyWrittenWithStringsReadsIntoCoreTypes() throws Exception {
        String stored = """
                {"version":7,"action":"create","at":"2026-01-02T03:04:05Z","actor":"operator",
                 "unit":{"id":"auth","phase":"access","code":"return","hosts":["a.example"],"sampling":50,
                         "samplingKey":"remote_addr","order":2,"enabled":true,
                         "budget":{"instructions":1000,"wallMillis":20},"failure":"closed"}}""";
        UnitSpec unit = json.readValue(stored, HistoryEntry.class).unit();
        assertThat(unit).isEqualTo(UnitSpec.builder("auth", Phase.ACCESS, "return").hosts(java.util.List.of("a.example"))
                .sampling(50).samplingKey("remote_addr").order(2).budget(new Budget(1000, 20))
                .failure(FailurePolicy.CLOSED).build());
    }

    @Test
    void coreTypesAreWrittenAsOperatorsWriteThem() throws Exception {
        UnitSpec unit = UnitSpec.builder("log-it", Phase.HEADER_FILTER, "ngx.log(ngx.ERR, 1)").build();
        var tree = json.readTree(json.writeValueAsString(unit));
        assertThat(tree.get("phase").asText()).isEqualTo("header_filter");
        assertThat(tree.get("failure").asText()).isEqualTo("open");
        assertThat(tree.get("budget").get("instructions").asLong()).isEqualTo(Budget.DEFAULT.instructions());
        assertThat(json.readValue(json.writeValueAsString(unit), UnitSpec.class)).isEqualTo(unit);
    }

    @Test
    void anUnknownPhaseNamesTheAcceptedOnes() {
        assertThatThrownBy(() -> json.readValue("\"fetch\"", Phase.class))
                .isInstanceOf(InvalidFormatException.class)
                .hasMessageContaining("rewrite, access, content");
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        new CoreTypesJson().customize(mapper);
        return mapper;
    }
}
