# The benchmark's queries, shared by main.swift (read from queries.json) and bench_core.py.
import json

DASHBOARD = """
query Dashboard($n: Int = 20) {
  authors(first: $n) {
    id name born rating active
    books(first: 5) {
      id title genre pages price isbn tags
      reviews { stars text reviewer { name } }
    }
    favorite { __typename ... on Book { title } ... on Author { name } }
  }
  search(term: "1") { __typename ... on Named { name } ... on Book { title } }
}
"""
FLAT = "{ books { id title pages price } }"

json.dump({"dashboard": DASHBOARD, "flat": FLAT}, open("queries.json", "w"), indent=1)
