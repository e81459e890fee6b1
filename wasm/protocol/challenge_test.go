package protocol

import (
	"strings"
	"testing"
)

func init() {
	acc, claim := 0.9134, 0.99
	allRequests = append(allRequests, LeaderboardRequest{ID: 1, Challenge: "#c=bm5jAQ", Submissions: "Ada: #m=AAAA 0.99\n"})
	allEvents = append(allEvents,
		LeaderboardProgress{ID: 1, Done: 2, Total: 3},
		Leaderboard{ID: 1, Title: "Digits", CSV: "rank,name\n", Entries: []LeaderboardEntry{
			{Rank: 1, Line: 1, Name: "Ada", Accuracy: &acc, Params: 25450, Epochs: 1, Claimed: &claim, ClaimNote: "claims 99.00 % but measures 91.34 %"},
			{Line: 2, Name: "Bo", Params: 109386, Epochs: 1, Broken: []string{"max parameters: the model has 109,386, the limit is 50,000"}},
			{Line: 3, Error: "the model link cannot be read: damaged"},
		}})
}

func TestLeaderboardRejects(t *testing.T) {
	bad := 1.5
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{LeaderboardRequest{Submissions: "x"}, "challenge link is missing"},
		{LeaderboardProgress{Done: 4, Total: 3}, "4 of 3"},
		{Leaderboard{Entries: []LeaderboardEntry{{Accuracy: &bad}}}, "accuracy of 1.5"},
		{Leaderboard{Entries: []LeaderboardEntry{{Rank: -1}}}, "rank -1"},
	} {
		if _, err := Encode(tc.m); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%#v: error %v, want one saying %q", tc.m, err, tc.want)
		}
	}
}
