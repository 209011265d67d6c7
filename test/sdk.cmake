# The SDK (issue 10): installed into a fresh prefix, examples/out-of-tree-pager built, tested
# and booted from it as a user would (test/sdk-test); and the walkthrough's code blocks are the
# example's files (test/doc-code-check), so docs/first-pager.md cannot drift from the code.
add_test(NAME sdk_out_of_tree_pager
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sdk-test ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(sdk_out_of_tree_pager PROPERTIES LABELS "sdk;qemu" TIMEOUT 240
  PASS_REGULAR_EXPRESSION "sdk-test: PASS")

add_test(NAME sdk_doc_code
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/doc-code-check
          ${CMAKE_SOURCE_DIR}/docs/first-pager.md ${CMAKE_SOURCE_DIR}/examples/out-of-tree-pager)
set_tests_properties(sdk_doc_code PROPERTIES LABELS "sdk;style")
