package dev.parley.chat;

class InMemoryDeliveryStoreTest extends DeliveryStoreContract {
  @Override
  protected DeliveryStore openStore() {
    return new InMemoryDeliveryStore();
  }
}
