package dev.parley.core;

class InMemoryStreamWindowTest extends StreamWindowContract {
  @Override
  protected StreamWindow open() {
    return new InMemoryStreamWindow(now::get);
  }

  @Override
  protected boolean shared() {
    return false;
  }

  @Override
  protected void loseEverything() {
    nodeA.close();
    nodeA = open();
    nodeB = nodeA;
  }
}
