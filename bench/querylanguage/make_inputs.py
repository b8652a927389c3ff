#!/usr/bin/env python3
"""Writes the benchmark inputs: inputs/query.graphql (a ~2 KB typical client
query) and inputs/schema.graphql (~50 KB: the clinic contract schema three
times, type names suffixed in the copies)."""
import os
import re

here = os.path.dirname(os.path.abspath(__file__))
contract = open("/work/shared/contract/schema.graphql", encoding="utf-8").read()
parts = [contract]
for suffix in ("V2", "V3"):
    parts.append(re.sub(r"\b([A-Z][a-z][A-Za-z0-9]*)\b", r"\1" + suffix, contract))
schema = "\n".join(parts)

query = '''query DoctorDashboard($from: Date!, $to: Date!, $first: Int = 20, $after: String, $status: [AppointmentStatus!]) {
  me {
    id
    email
    role
    ... on User {
      displayName: name
    }
  }
  appointments(filter: {from: $from, to: $to, statuses: $status}, orderBy: {field: STARTS_AT, direction: ASC}, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        ...AppointmentCard
        patient {
          ...PatientSummary
        }
        doctor {
          id
          name
          specialization
          avatarUrl(size: 64)
        }
      }
    }
  }
  notifications(status: UNREAD, first: 5) {
    nodes {
      id
      kind
      title
      body
      createdAt
      readAt
    }
  }
  report(from: $from, to: $to) @skip(if: false) {
    totalAppointments
    completed
    cancelled
    noShows
    noShowRate
    busiestDoctors(first: 3) {
      doctor {
        id
        name
      }
      appointmentCount
    }
    bySpecialization {
      specialization
      count
    }
  }
  doctors(filter: {specialization: "Cardiology", acceptsNewPatients: true}, first: 10) {
    edges {
      node {
        id
        name
        specialization
        bio
        rating
        nextAvailableSlot {
          startsAt
        }
      }
    }
  }
  availableSlots(doctorId: "RG9jdG9yOjE=", date: "2026-11-27") {
    startsAt
    endsAt
    available
  }
}

fragment AppointmentCard on Appointment {
  id
  status
  startsAt
  endsAt
  reason
  notes @include(if: true)
  createdAt
  updatedAt
  cancellation {
    reason
    cancelledAt
    cancelledBy {
      id
      name
    }
  }
}

fragment PatientSummary on Patient {
  id
  name
  email
  phone
  dateOfBirth
  noShowRate
  insurance {
    provider
    policyNumber
  }
  upcoming: appointments(first: 3, filter: {from: $from}) {
    nodes {
      id
      startsAt
      doctor {
        name
      }
    }
  }
}
'''
os.makedirs(os.path.join(here, "inputs"), exist_ok=True)
open(os.path.join(here, "inputs", "schema.graphql"), "w", encoding="utf-8").write(schema)
open(os.path.join(here, "inputs", "query.graphql"), "w", encoding="utf-8").write(query)
print(len(query.encode()), len(schema.encode()))
