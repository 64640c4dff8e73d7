package io.strata.app.up;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectRestAuthTest {
  @Test
  void onlySignedRequestsToTheInternalEndpointsSkipTheUsers() {
    assertTrue(ConnectRestAuth.internal("POST", "connectors/strata-tsdb-sink/tasks", "c2ln"));
    assertTrue(ConnectRestAuth.internal("PUT", "/connectors/x/fence", "c2ln"));
    assertFalse(ConnectRestAuth.internal("POST", "connectors/strata-tsdb-sink/tasks", null), "unsigned");
    assertFalse(ConnectRestAuth.internal("GET", "connectors/strata-tsdb-sink/tasks", "c2ln"), "reading tasks is a user's request");
    assertFalse(ConnectRestAuth.internal("POST", "connectors/strata-tsdb-sink/tasks/0/restart", "c2ln"));
    assertFalse(ConnectRestAuth.internal("PUT", "connectors/strata-tsdb-sink/config", "c2ln"));
  }
}
