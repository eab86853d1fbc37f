// Test helper: opens the warehouse file given as argv[1], prints "ready", and keeps it open until its stdin
// closes. warehouse tests start it as a second process holding the file lock.

#include <cstdio>
#include <iostream>
#include <string>

#include "core/log.h"
#include "warehouse/warehouse.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WAREHOUSE_FILE\n", argv[0]);
    return 2;
  }
  mxn::log::set_level("off");  // stdout carries the protocol
  mxn::config::WarehouseConfig config;
  config.path = argv[1];
  config.threads = 1;
  mxn::warehouse::Warehouse warehouse(config);
  std::cout << "ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}
