# test_schema_dump.cmake - test_schema_dump is a tool (JSON dump of the schema tables), not a
# unit test: tests/integration/test_schema_faithful.sh runs it. Register no CTest case here.
