package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.CloseCode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AccessRevocation}: a staff member whose access an admin narrows is disconnected with 4403
 * on this node, so joins made under the old rights stop delivering; widening closes nothing.
 */
@Timeout(30)
class AccessRevocationTest {
  static final Agent MAYA = new Agent("maya", "Maya", Set.of("demo", "shop"), 2, "-", true);
  static final Agent SAM = new Agent("sam", "Sam", Set.of("demo"), 2, "-");

  ChatHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  static Map<String, Agent> agents(Agent... agents) {
    Map<String, Agent> m = new HashMap<>();
    for (Agent a : agents) {
      m.put(a.user(), a);
    }
    return m;
  }

  @Test
  void losingASiteTheAdminRoleOrTheAccountNarrowsAccess() {
    Agent mayaWithoutShop = new Agent("maya", "Maya", Set.of("demo"), 2, "-", true);
    Agent mayaNoLongerAdmin = new Agent("maya", "Maya", Set.of("demo", "shop"), 2, "-", false);
    assertThat(AccessRevocation.narrowed(agents(MAYA, SAM), agents(mayaWithoutShop, SAM)))
        .containsExactly("maya");
    assertThat(AccessRevocation.narrowed(agents(MAYA, SAM), agents(mayaNoLongerAdmin, SAM)))
        .containsExactly("maya");
    assertThat(AccessRevocation.narrowed(agents(MAYA, SAM), agents(MAYA)))
        .as("disabled or deleted: absent after")
        .containsExactly("sam");
  }

  @Test
  void gainingASiteTheRoleOrAnAccountOrChangingCapacityNarrowsNothing() {
    Agent samWithShop = new Agent("sam", "Sam", Set.of("demo", "shop"), 2, "-", true);
    Agent samBusier = new Agent("sam", "Sam", Set.of("demo"), 5, "-");
    Agent olga = new Agent("olga", "Olga", Set.of("demo"), 2, "-");
    assertThat(AccessRevocation.narrowed(agents(SAM), agents(samWithShop))).isEmpty();
    assertThat(AccessRevocation.narrowed(agents(SAM), agents(samBusier, olga))).isEmpty();
  }

  @Test
  void aNarrowedAgentsConnectionsCloseWith4403AndOthersStayOpen() throws Exception {
    h = new ChatHarness(ChatConfig.defaults(), MAYA, SAM);
    ChatHarness.Client maya = h.agent("maya");
    ChatHarness.Client mayaSecondTab = h.agent("maya");
    ChatHarness.Client sam = h.agent("sam");
    Site demo = h.directory.site("demo");

    Agent mayaWithoutShop = new Agent("maya", "Maya", Set.of("demo"), 2, "-", true);
    h.directory.replace(Map.of("demo", demo), agents(mayaWithoutShop, SAM), 2);

    assertThat(maya.conn().closedWith()).isEqualTo(CloseCode.ACCESS_CHANGED);
    assertThat(mayaSecondTab.conn().closedWith()).isEqualTo(CloseCode.ACCESS_CHANGED);
    assertThat(sam.conn().closedWith()).as("sam's access did not change").isNull();
    assertThat(CloseCode.ACCESS_CHANGED.reconnect()).as("the console comes back at once").isTrue();

    h.directory.replace(
        Map.of("demo", demo),
        agents(mayaWithoutShop, new Agent("sam", "Sam", Set.of("demo", "shop"), 2, "-")),
        3);
    assertThat(sam.conn().closedWith()).as("widening closes nothing").isNull();
  }
}
