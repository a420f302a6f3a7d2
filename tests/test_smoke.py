from challenge.models import Challenge
from challenge.states import ChallengeState


def test_migrated_database_serves_hall(client, make, people):
    make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"], title="高端轴承钢")
    response = client.get("/")
    assert response.status_code == 200
    assert "高端轴承钢" in response.get_data(as_text=True)
    assert Challenge.query.count() == 1
