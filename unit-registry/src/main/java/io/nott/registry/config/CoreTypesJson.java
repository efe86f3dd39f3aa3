package io.nott.registry.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.nott.unit.model.Budget;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.function.Function;

/**
 * unit-core's types in the registry's JSON (API answers and the history kept in Redis), written as
 * operators write them: a {@link Phase} as its Lua name ({@code access}), a {@link FailurePolicy}
 * as {@code open}/{@code closed}. unit-core stays free of Jackson, so the mapping lives here.
 */
@Singleton
@RegisterForReflection(targets = Budget.class)
public class CoreTypesJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("unit-core-types");
        module.addSerializer(Phase.class, writer(Phase::luaName));
        module.addDeserializer(Phase.class, reader(Phase.class, Phase::parse));
        module.addSerializer(FailurePolicy.class, writer(FailurePolicy::wireName));
        module.addDeserializer(FailurePolicy.class, reader(FailurePolicy.class, FailurePolicy::parse));
        mapper.registerModule(module);
    }

    private static <T> JsonSerializer<T> writer(Function<T, String> name) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(name.apply(value));
            }
        };
    }

    private static <T> JsonDeserializer<T> reader(Class<T> type, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                String text = parser.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(parser, e.getMessage(), text, type);
                }
            }
        };
    }
}
