"""Intake: referral, consent, enrolment, erasure; holds the personal-data vault."""
