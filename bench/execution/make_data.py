"""Writes data.json for the execution benchmark: the differential test's
schema (Tests/SchemaTests/ExecutionFixtures/differential/schema.graphql) with
a larger deterministic data set in the same {"objects", "Query"} shape."""
import json
import random

rng = random.Random(42)
genres = ["FICTION", "SCIENCE", "HISTORY"]
objects = {}
reviewers = [f"r{i}" for i in range(20)]
for r in reviewers:
    objects[r] = {"__typename": "Reviewer", "name": f"Reviewer {r}"}
authors = []
books = []
for a in range(60):
    aid = f"a{a}"
    mine = []
    for b in range(8):
        bid = f"b{a}_{b}"
        mine.append({"$ref": bid})
        books.append({"$ref": bid})
        objects[bid] = {
            "__typename": "Book", "id": bid, "title": f"Book {a}-{b} about things", "genre": genres[(a + b) % 3],
            "author": {"$ref": aid}, "tags": ["t%d" % rng.randrange(50) for _ in range(3)], "strictTags": ["x"],
            "pages": rng.randrange(80, 900), "price": round(rng.uniform(5, 60), 2), "isbn": str(9780000000000 + a * 100 + b),
            "reviews": [{"stars": rng.randrange(1, 6), "text": f"Review {k} of {bid}", "reviewer": {"$ref": rng.choice(reviewers)}} for k in range(3)],
        }
    objects[aid] = {"__typename": "Author", "id": aid, "name": f"Author {a}", "born": 1900 + a, "rating": round(rng.uniform(1, 5), 1),
                    "active": a % 2 == 0, "books": mine, "favorite": mine[0], "nickname": None}
    authors.append({"$ref": aid})
data = {"objects": objects, "Query": {"authors": authors, "books": books, "search": authors[:10] + books[:10],
                                      "named": authors[:5], "broken": None, "brokenList": []}}
json.dump(data, open("data.json", "w"))
